package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMailUtil;

import io.touchpoint.channels.DeliveryLog;

/**
 * workflows/order-delivery.bpmn end to end, one run per order (instance key orderId): out_for_delivery of an order
 * brings that order's transactional SMS; three days after its deliveredAt, at 10:00 in the customer's time zone, a
 * review request by email; a return of that order before then ends its run without email; 14 days without news at
 * either wait end the run at that timeout's end.
 */
class OrderDeliveryJourneyIT extends JourneyEndToEnd {

    @Test
    void twoOrdersRunApartAndEachGetsItsSmsThenTheReviewRequestThreeDaysAfterDeliveryAtTenLocal() throws Exception {
        String email = "ola-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Ola\"");
        event("order_shipped", customer, "{\"orderId\": \"A-1\"}");
        event("order_shipped", customer, "{\"orderId\": \"B-2\"}");
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("orderDelivery").processInstanceBusinessKey(customer).count())
                .as("one run per order").isEqualTo(2);
        ProcessInstance orderA = run(customer, "A-1");
        ProcessInstance orderB = run(customer, "B-2");

        event("out_for_delivery", customer, "{\"orderId\": \"A-1\"}");
        runDueJobs(orderA.getId());

        assertThat(PROVIDERS.received(SMS_PATH)).singleElement().satisfies(sms -> assertThat(URLDecoder.decode(sms.body(), StandardCharsets.UTF_8))
                .contains("To=+4915112345678").contains("Hi Ola, your order A-1 is out for delivery and arrives today."));
        assertThat(waitsAt(orderB, "Wait_OutForDelivery")).as("order B is not out for delivery").isTrue();

        Instant deliveredAt = start.plus(Duration.ofHours(5));
        event("order_delivered", customer, "{\"orderId\": \"A-1\", \"deliveredAt\": \"%s\"}".formatted(deliveredAt));
        Instant review = ZonedDateTime.of(deliveredAt.atZone(zone).toLocalDate().plusDays(3), LocalTime.of(10, 0), zone).toInstant();
        assertThat(management.createJobQuery().processInstanceId(orderA.getId()).timers().singleResult().getDuedate().toInstant()).isEqualTo(review);

        after(Duration.between(start, review).minusMinutes(1), orderA.getId());
        assertThat(emailsTo(email)).isEmpty();
        after(Duration.between(start, review), orderA.getId());

        MimeMessage request = emailsTo(email, 1).get(0);
        assertThat(request.getSubject()).isEqualTo("How do you like your order A-1?");
        assertThat(GreenMailUtil.getBody(request)).contains("Hello Ola,").contains("your order A-1 arrived a few days ago");
        assertThat(deliveries.forCustomer(customer)).extracting(DeliveryLog.Entry::channel, DeliveryLog.Entry::template, DeliveryLog.Entry::status)
                .containsExactlyInAnyOrder(tuple("sms", "order-out-for-delivery", DeliveryLog.Status.SENT),
                        tuple("email", "order-review-request", DeliveryLog.Status.SENT));
        assertThat(ended(orderA)).isTrue();
        assertThat(passed(orderA, "End_ReviewRequested")).isTrue();
        assertThat(waitsAt(orderB, "Wait_OutForDelivery")).as("order B still waits for its delivery").isTrue();
    }

    @Test
    void aReturnBeforeTheReviewDateEndsOnlyThatOrdersRunWithoutEmail() throws Exception {
        String email = "rita-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Rita\"");
        for (String order : new String[] {"R-1", "R-2"}) {
            event("order_shipped", customer, "{\"orderId\": \"%s\"}".formatted(order));
            event("out_for_delivery", customer, "{\"orderId\": \"%s\"}".formatted(order));
            runDueJobs(run(customer, order).getId());
            event("order_delivered", customer, "{\"orderId\": \"%s\", \"deliveredAt\": \"%s\"}".formatted(order, start.plus(Duration.ofHours(1))));
        }
        ProcessInstance returned = run(customer, "R-1");
        ProcessInstance kept = run(customer, "R-2");

        event("order_returned", customer, "{\"orderId\": \"R-1\"}");
        after(Duration.ofDays(5), returned.getId());

        assertThat(passed(returned, "End_Returned")).isTrue();
        assertThat(passed(returned, "Send_ReviewRequest")).isFalse();
        assertThat(emailsTo(email)).isEmpty();
        assertThat(ended(kept)).as("the return of R-1 leaves R-2 waiting for its review date").isFalse();
        after(Duration.ofDays(5), kept.getId());
        assertThat(emailsTo(email, 1).get(0).getSubject()).isEqualTo("How do you like your order R-2?");
    }

    @Test
    void noOutForDeliveryWithinFourteenDaysEndsTheRunAtNoDeliveryNewsWithoutAnyMessage() {
        String email = "nina-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Nina\"");
        event("order_shipped", customer, "{\"orderId\": \"N-1\"}");
        ProcessInstance order = run(customer, "N-1");

        timesOut(order, "Wait_OutForDelivery", "End_NoDeliveryNews");

        assertThat(passed(order, "Send_OutForDeliverySms")).isFalse();
        assertThat(PROVIDERS.received(SMS_PATH)).isEmpty();
        assertThat(emailsTo(email)).isEmpty();
        assertThat(deliveries.forCustomer(customer)).isEmpty();
    }

    @Test
    void noDeliveryWithinFourteenDaysAfterOutForDeliveryEndsTheRunAtNotDeliveredAfterTheSmsOnly() {
        String email = "otto-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Otto\"");
        event("order_shipped", customer, "{\"orderId\": \"L-1\"}");
        ProcessInstance order = run(customer, "L-1");
        event("out_for_delivery", customer, "{\"orderId\": \"L-1\"}");
        runDueJobs(order.getId());
        assertThat(waitsAt(order, "Wait_OrderDelivered")).isTrue();

        timesOut(order, "Wait_OrderDelivered", "End_NotDelivered");

        assertThat(passed(order, "Send_ReviewRequest")).isFalse();
        assertThat(PROVIDERS.received(SMS_PATH)).singleElement().satisfies(sms -> assertThat(URLDecoder.decode(sms.body(), StandardCharsets.UTF_8))
                .contains("Hi Otto, your order L-1 is out for delivery"));
        assertThat(emailsTo(email)).isEmpty();
        assertThat(deliveries.forCustomer(customer)).extracting(DeliveryLog.Entry::channel, DeliveryLog.Entry::template)
                .containsExactly(tuple("sms", "order-out-for-delivery"));
    }

    /** A minute before its 14 days are up the run still waits; at 14 days it ends at the timeout's end event. */
    private void timesOut(ProcessInstance order, String wait, String end) {
        after(Duration.ofDays(14).minusMinutes(1), order.getId());
        assertThat(waitsAt(order, wait)).as("still waiting a minute before the timeout").isTrue();
        after(Duration.ofDays(14), order.getId());
        assertThat(ended(order)).isTrue();
        assertThat(passed(order, end)).isTrue();
    }

    private ProcessInstance run(String customer, String orderId) {
        return runtime.createProcessInstanceQuery().processDefinitionKey("orderDelivery").processInstanceBusinessKey(customer)
                .variableValueEquals(JourneyDispatcher.INSTANCE_KEY, orderId).singleResult();
    }
}
