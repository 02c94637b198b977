package io.touchpoint.journeys;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.touchpoint.profiles.CustomerProfile;

/**
 * Walks every path of workflows/abandoned-cart.bpmn, built from the blocks, on a plain in-memory engine with the
 * real rules and sending policy; the sender records instead of sending. No Spring, no SMTP.
 */
@Deployment(resources = "touchpoint/workflows/abandoned-cart.bpmn")
class AbandonedCartProcessTest extends JourneyProcessTestSupport {

    @RegisterExtension
    static final ProcessEngineExtension engine = engine();

    private static final Map<String, Object> CART = Map.of("cartId", "k-1", "total", 129.0,
            "items", List.of(Map.of("sku", "D-1", "name", "Linen dress", "quantity", 1, "price", 129.0)));

    @BeforeEach
    void oneHourWait() {
        Mocks.register("waits", new JourneyWaits() {
            @Override
            public String get(String name) {
                return "PT1H";
            }
        });
    }

    @Test
    void withoutAnOrderTheReminderWithTheCartAndTheOfferIsSentWhenTheWaitIsOver() {
        now("2026-11-23T10:00:00Z");
        ProcessInstance journey = start("cart_abandoned", "c-1", CART);

        assertThat(journey).isWaitingAt("Timer_WaitBeforeReminder");
        now("2026-11-23T11:00:00Z");
        execute(job(journey));
        assertThat(journey).hasPassed("Decide_Offer", "Send_ReminderEmail_DecideSendTime").isWaitingAt("Send_ReminderEmail");
        execute(job(journey));

        assertThat(journey).hasPassed("End_ReminderSent").isEnded();
        org.assertj.core.api.Assertions.assertThat(sent).containsExactly("Send_ReminderEmail:email:abandoned-cart-reminder:marketing");
        org.assertj.core.api.Assertions.assertThat(variables.get(0))
                .containsEntry("offer", Map.of("code", "PERCENT_10", "text", "10% off your order with code COMEBACK10"))
                .containsEntry("event", CART);
        org.assertj.core.api.Assertions.assertThat(rendered(0, "en").text())
                .contains("- Linen dress x 1 at 129.00").contains("Complete your order now and get 10% off your order with code COMEBACK10.");
        org.assertj.core.api.Assertions.assertThat(rendered(0, "en").subject()).isEqualTo("You left something in your cart");
        org.assertj.core.api.Assertions.assertThat(rendered(0, "de").html()).contains("<li>Linen dress x 1 zu 129.00</li>");
    }

    @Test
    void aReminderDueInQuietHoursWaitsOnATimerUntilEightInTheCustomersMorning() {
        profile("c-4", "Europe/Berlin", Map.of());
        now("2026-11-23T21:30:00Z");
        ProcessInstance journey = start("cart_abandoned", "c-4", CART);
        now("2026-11-23T22:30:00Z"); // 23:30 in Berlin
        execute(job(journey));

        assertThat(journey).isWaitingAt("Send_ReminderEmail_WaitUntilSendAllowed");
        org.assertj.core.api.Assertions.assertThat(job(journey).getDuedate().toInstant()).isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
        org.assertj.core.api.Assertions.assertThat(sent).isEmpty();

        now("2026-11-24T07:00:00Z");
        execute(job(journey));
        execute(job(journey));
        assertThat(journey).hasPassed("End_ReminderSent").isEnded();
        org.assertj.core.api.Assertions.assertThat(sent).containsExactly("Send_ReminderEmail:email:abandoned-cart-reminder:marketing");
    }

    @Test
    void anOrderDuringTheWaitEndsTheJourneyWithoutReminder() {
        ProcessInstance journey = start("cart_abandoned", "c-2", CART);

        runtimeService().createMessageCorrelation("order_placed").processInstanceBusinessKey("c-2").correlate();

        assertThat(journey).hasPassed("End_Converted").hasNotPassed("Decide_Offer").isEnded();
        org.assertj.core.api.Assertions.assertThat(sent).isEmpty();
    }

    @Test
    void anOrderWhileTheReminderWaitsOutQuietHoursEndsTheJourneyAsConvertedWithoutReminder() {
        profile("c-5", "Europe/Berlin", Map.of());
        now("2026-11-23T21:30:00Z");
        ProcessInstance journey = start("cart_abandoned", "c-5", CART);
        now("2026-11-23T22:30:00Z"); // 23:30 in Berlin: the reminder waits for 08:00
        execute(job(journey));
        assertThat(journey).isWaitingAt("Send_ReminderEmail_WaitUntilSendAllowed");

        runtimeService().createMessageCorrelation("order_placed").processInstanceBusinessKey("c-5").correlate();

        assertThat(journey).hasPassed("End_Converted").hasNotPassed("Send_ReminderEmail").isEnded();
        org.assertj.core.api.Assertions.assertThat(sent).isEmpty();
    }

    @Test
    void aCustomerWhoOptedOutOfEmailGetsNoOfferAndNoReminder() {
        profiles.put("c-3", new CustomerProfile("c-3", "c-3@example.com", null, Set.of(), Map.of(), Map.of("email", false),
                "UTC", null, 1, Instant.EPOCH, Instant.EPOCH));
        now("2026-11-23T10:00:00Z");
        ProcessInstance journey = start("cart_abandoned", "c-3", CART);

        execute(job(journey));

        assertThat(journey).hasPassed("End_NoOffer").hasNotPassed("Send_ReminderEmail").isEnded();
        org.assertj.core.api.Assertions.assertThat(sent).isEmpty();
    }
}
