package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.jobQuery;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.touchpoint.profiles.CustomerProfile;

/**
 * workflows/order-delivery.bpmn: out for delivery → transactional SMS; delivered → three days after deliveredAt at
 * 10:00 in the customer's time zone a review request, unless the order comes back first. No dispatcher: the test
 * moves the waits as the dispatcher would (signal with {@code lastEvent}, message correlation).
 */
@Deployment(resources = "touchpoint/workflows/order-delivery.bpmn")
class OrderDeliveryProcessTest extends JourneyProcessTestSupport {

    @RegisterExtension
    static final ProcessEngineExtension engine = engine();

    @BeforeEach
    void customerInBerlin() {
        profiles.put("c-ola", new CustomerProfile("c-ola", "ola@example.com", "+4915100000001", Set.of(), Map.of("firstName", "Ola"),
                Map.of(), "Europe/Berlin", null, 1, Instant.EPOCH, Instant.EPOCH));
    }

    @Test
    void outForDeliverySendsTheSmsAndThreeDaysAfterDeliveryAtTenLocalTheReviewRequest() {
        now("2026-06-01T08:00:00Z");
        ProcessInstance journey = start("order_shipped", "c-ola", Map.of("orderId", "o-1"));
        assertThat(journey).isWaitingAt("Wait_OutForDelivery");

        arrives(journey, "Wait_OutForDelivery", Map.of("orderId", "o-1"));
        assertThat(journey).isWaitingAt("Send_OutForDeliverySms");
        execute(job(journey));
        assertThat(sent).containsExactly("Send_OutForDeliverySms:sms:order-out-for-delivery:transactional");
        assertThat(rendered(0, "en").text()).isEqualTo("Hi Ada, your order o-1 is out for delivery and arrives today.");

        arrives(journey, "Wait_OrderDelivered", Map.of("orderId", "o-1", "deliveredAt", "2026-06-03T16:20:00Z"));
        assertThat(journey).isWaitingAt("Gateway_ReviewOrReturn"); // an event-based gateway waits itself, for its events
        assertThat(job(journey).getDuedate().toInstant()).as("6 June, 10:00 in Berlin (CEST, UTC+2)")
                .isEqualTo(Instant.parse("2026-06-06T08:00:00Z"));

        now("2026-06-06T08:00:00Z");
        execute(job(journey));
        execute(job(journey));

        assertThat(journey).hasPassed("Send_ReviewRequest", "End_ReviewRequested").isEnded();
        assertThat(sent).containsExactly("Send_OutForDeliverySms:sms:order-out-for-delivery:transactional",
                "Send_ReviewRequest:email:order-review-request:marketing");
        assertThat(rendered(1, "en").subject()).isEqualTo("How do you like your order o-1?");
        assertThat(rendered(1, "en").text()).contains("https://shop.example/orders/o-1/review");
    }

    @Test
    void aReturnBeforeTheReviewDateEndsTheRunWithoutEmail() {
        now("2026-06-01T08:00:00Z");
        ProcessInstance journey = start("order_shipped", "c-ola", Map.of("orderId", "o-2"));
        arrives(journey, "Wait_OutForDelivery", Map.of("orderId", "o-2"));
        execute(job(journey));
        arrives(journey, "Wait_OrderDelivered", Map.of("orderId", "o-2", "deliveredAt", "2026-06-03T16:20:00Z"));

        runtimeService().createMessageCorrelation("order_returned").processInstanceId(journey.getId()).correlate();

        assertThat(journey).hasPassed("End_Returned").hasNotPassed("Send_ReviewRequest").isEnded();
        assertThat(jobQuery().processInstanceId(journey.getId()).count()).as("no timer is left").isZero();
        assertThat(sent).containsExactly("Send_OutForDeliverySms:sms:order-out-for-delivery:transactional");
    }

    @Test
    void noDeliveryNewsForFourteenDaysEndsTheRun() {
        now("2026-06-01T08:00:00Z");
        ProcessInstance journey = start("order_shipped", "c-ola", Map.of("orderId", "o-3"));
        assertThat(job(journey).getDuedate().toInstant()).isEqualTo(Instant.parse("2026-06-15T08:00:00Z"));

        execute(job(journey));

        assertThat(journey).hasPassed("End_NoDeliveryNews").isEnded();
        assertThat(sent).isEmpty();
    }

    /** The event a "Wait for event" task waits for arrives, as the dispatcher delivers it: a signal with {@code lastEvent}. */
    private static void arrives(ProcessInstance journey, String waitId, Map<String, Object> properties) {
        runtimeService().signal(runtimeService().createExecutionQuery().processInstanceId(journey.getId()).activityId(waitId).singleResult().getId(),
                Map.of(JourneyDispatcher.LAST_EVENT, Map.of("properties", properties)));
    }
}
