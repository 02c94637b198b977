package io.touchpoint.journeys;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.time.Instant;
import java.util.Date;
import java.util.Map;

import org.camunda.bpm.engine.impl.util.ClockUtil;

import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Walks every path of workflows/abandoned-cart.bpmn on a plain in-memory engine. The two service tasks are
 * mocked: the decision sets offerEligible as the rules would. No Spring, no SMTP.
 */
@Deployment(resources = "touchpoint/workflows/abandoned-cart.bpmn")
class AbandonedCartProcessTest {

    /** Not camunda.cfg.xml: that name would also be picked up by the engine REST API in the integration tests. */
    @RegisterExtension
    static final ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("process-test.camunda.cfg.xml").build();

    private final JavaDelegate sendReminder = mock(JavaDelegate.class);

    @BeforeEach
    void registerCollaborators() {
        Mocks.register("waits", new JourneyWaits() {
            @Override
            public String get(String name) {
                return "PT1H";
            }
        });
        Mocks.register("sendReminderEmailDelegate", sendReminder);
    }

    @AfterEach
    void reset() {
        Mocks.reset();
    }

    @Test
    void withoutAnOrderTheReminderIsSentWhenTheWaitIsOver() throws Exception {
        decideOffer(true);
        ProcessInstance journey = cartAbandoned("c-1");

        assertThat(journey).isWaitingAt("Gateway_OrderOrTimeout");
        execute(job(journey));
        assertThat(journey).isWaitingAt("Timer_UntilSendAllowed");
        execute(job(journey));
        assertThat(journey).isWaitingAt("Send_ReminderEmail");
        execute(job(journey));

        assertThat(journey).hasPassedInOrder("Decide_Offer", "Send_ReminderEmail").isEnded();
        assertThat(journey).hasPassed("End_ReminderSent");
        verify(sendReminder).execute(org.mockito.ArgumentMatchers.any());
    }

    @Test
    void aSendTheRulesDeferIsHeldUntilTheAllowedTime() throws Exception {
        Date nextMorning = Date.from(Instant.parse("2026-11-23T07:00:00Z"));
        decideOffer(true, nextMorning);
        ProcessInstance journey = cartAbandoned("c-4");

        execute(job(journey));

        assertThat(journey).isWaitingAt("Timer_UntilSendAllowed");
        org.assertj.core.api.Assertions.assertThat(job(journey).getDuedate()).isEqualTo(nextMorning);
        verify(sendReminder, never()).execute(org.mockito.ArgumentMatchers.any());
    }

    @Test
    void anOrderDuringTheWaitEndsTheJourneyWithoutReminder() throws Exception {
        decideOffer(true);
        ProcessInstance journey = cartAbandoned("c-2");

        runtimeService().createMessageCorrelation("order_placed").processInstanceBusinessKey("c-2").correlate();
        JourneyProcessTestSupport.continueAfterEvent(journey);

        assertThat(journey).hasPassed("End_Converted").hasNotPassed("Decide_Offer").isEnded();
        verify(sendReminder, never()).execute(org.mockito.ArgumentMatchers.any());
    }

    @Test
    void withoutAnOfferNothingIsSent() throws Exception {
        decideOffer(false);
        ProcessInstance journey = cartAbandoned("c-3");

        execute(job(journey));

        assertThat(journey).hasPassed("End_NoOffer").hasNotPassed("Send_ReminderEmail").isEnded();
        verify(sendReminder, never()).execute(org.mockito.ArgumentMatchers.any());
    }

    private void decideOffer(boolean eligible) {
        decideOffer(eligible, ClockUtil.getCurrentTime());
    }

    /** As the rules would: eligible or not, and the send time (later than now when quiet hours or a cap defer). */
    private void decideOffer(boolean eligible, Date sendAt) {
        Mocks.register("decideOfferDelegate", (JavaDelegate) execution -> {
            execution.setVariable("offerEligible", eligible);
            execution.setVariable("sendAt", sendAt);
        });
    }

    private ProcessInstance cartAbandoned(String customer) {
        ProcessInstance journey = runtimeService().createMessageCorrelation("cart_abandoned").processInstanceBusinessKey(customer)
                .setVariables(Map.of("customerId", customer)).correlateStartMessage();
        JourneyProcessTestSupport.continueAfterEvent(journey);
        return journey;
    }
}
