package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import com.icegreen.greenmail.util.GreenMailUtil;

import io.touchpoint.EngineIT;
import io.touchpoint.channels.DeliveryLog;

/** The first journey end to end: an event in through the real route, the timer fired, an email out over SMTP. */
public class AbandonedCartJourneyIT extends EngineIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    HistoryService history;
    @Autowired
    DeliveryLog deliveries;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void cartOverOneHundredGetsAReminderWithTenPercentOffOnceTheWaitIsOver() throws Exception {
        String customer = newCustomer();
        assertThat(post("/api/events", cartAbandoned(customer, "ada@example.com", 129.00)).statusCode()).isEqualTo(202);
        ProcessInstance journey = journeyOf(customer);
        assertThat(management.createJobQuery().processInstanceId(journey.getId()).timers().singleResult().getDuedate())
                .as("the timer waits the configured hour").isInTheFuture();
        assertThat(SMTP.getReceivedMessages()).as("nothing is sent before the wait is over").isEmpty();

        runAllJobs(journey.getId());

        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 1);
        MimeMessage email = SMTP.getReceivedMessages()[0];
        assertThat(email.getAllRecipients()[0].toString()).isEqualTo("ada@example.com");
        assertThat(email.getSubject()).isEqualTo("You left something in your cart");
        assertThat(GreenMailUtil.getBody(email)).contains("Linen dress x 1 at 129.00").contains("10% off your order with code COMEBACK10");
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).count()).isZero();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId("End_ReminderSent").count()).isOne();
        assertThat(deliveries.forCustomer(customer)).singleElement().satisfies(entry -> {
            assertThat(entry.status()).isEqualTo(DeliveryLog.Status.SENT);
            assertThat(entry.channel()).isEqualTo("email");
            assertThat(entry.template()).isEqualTo("abandoned-cart-reminder");
            assertThat(entry.category()).isEqualTo("marketing");
        });
    }

    @Test
    void theRunsJsonVariablesAreNamedByClassesSoReadingThemLooksUpNoMissingClass() throws Exception {
        String customer = newCustomer();
        assertThat(post("/api/events", cartAbandoned(customer, "ines.variables@example.com", 129.00)).statusCode()).isEqualTo(202);
        ProcessInstance journey = journeyOf(customer);

        org.camunda.bpm.engine.variable.value.ObjectValue trigger = runtime.getVariableTyped(journey.getId(), JourneyDispatcher.TRIGGER, false);
        assertThat(trigger.getObjectTypeName()).isEqualTo("java.util.LinkedHashMap");
        org.camunda.bpm.engine.variable.VariableMap variables = runtime.getVariablesTyped(journey.getId(), false);
        assertThat(variables.keySet()).allSatisfy(name -> {
            if (variables.getValueTyped(name) instanceof org.camunda.bpm.engine.variable.value.ObjectValue object) {
                assertThat(Class.forName(object.getObjectTypeName())).as(object.getObjectTypeName()).isNotNull();
            }
        });
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> event = (java.util.Map<String, Object>) runtime.getVariable(journey.getId(), JourneyDispatcher.TRIGGER);
        assertThat(event).containsEntry("type", "cart_abandoned").containsKey("properties");
    }

    @Test
    void aReminderDueInQuietHoursWaitsUntilEightInTheCustomersMorning() {
        String customer = newCustomer();
        post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "properties": {"timeZone": "Europe/Berlin"}}""".formatted(customer));
        post("/api/events", cartAbandoned(customer, "quiet@example.com", 129.00));
        ProcessInstance journey = journeyOf(customer);
        try {
            ClockUtil.setCurrentTime(Date.from(Instant.parse("2026-11-23T22:30:00Z"))); // 23:30 in Berlin
            management.executeJob(management.createJobQuery().processInstanceId(journey.getId()).timers().singleResult().getId());

            assertThat(management.createJobQuery().processInstanceId(journey.getId()).timers().singleResult().getDuedate())
                    .as("08:00 CET the next morning").isEqualTo(Date.from(Instant.parse("2026-11-24T07:00:00Z")));
            assertThat(runtime.createExecutionQuery().processInstanceId(journey.getId()).activityId("Send_ReminderEmail_WaitUntilSendAllowed").count()).isOne();
            assertThat(SMTP.getReceivedMessages()).isEmpty();

            assertThat(post("/api/events", """
                    {"type": "order_placed", "customerId": "%s", "properties": {"orderId": "o-2"}}""".formatted(customer)).statusCode()).isEqualTo(202);
            assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).count())
                    .as("an order while the reminder waits out quiet hours ends the journey: nobody is reminded of a cart they bought").isZero();
            assertThat(management.createJobQuery().processInstanceId(journey.getId()).count()).isZero();
            assertThat(deliveries.forCustomer(customer)).isEmpty();
        } finally {
            ClockUtil.reset();
        }
    }

    @Test
    void smallCartGetsFreeShipping() throws Exception {
        String customer = newCustomer();
        post("/api/events", cartAbandoned(customer, "bo@example.com", 40.00));
        runAllJobs(journeyOf(customer).getId());

        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 1);
        assertThat(GreenMailUtil.getBody(SMTP.getReceivedMessages()[0])).contains("free shipping on your order");
    }

    @Test
    void orderPlacedBeforeTheWaitEndsTheJourneyWithoutAnEmail() {
        String customer = newCustomer();
        post("/api/events", cartAbandoned(customer, "cy@example.com", 129.00));
        ProcessInstance journey = journeyOf(customer);

        assertThat(post("/api/events", """
                {"type": "order_placed", "customerId": "%s", "properties": {"orderId": "o-1"}}""".formatted(customer)).statusCode()).isEqualTo(202);

        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).count()).as("the journey has ended").isZero();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId("End_Converted").count()).isOne();
        assertThat(jdbc.queryForList("select goal_activity_id from journey_goal where process_instance_id = ?", String.class, journey.getId()))
                .as("the goal recorded the conversion").containsExactly("End_Converted");
        assertThat(management.createJobQuery().processInstanceId(journey.getId()).count()).as("no timer is left").isZero();
        assertThat(SMTP.getReceivedMessages()).isEmpty();
        assertThat(deliveries.forCustomer(customer)).isEmpty();
    }

    @Test
    void customerWhoOptedOutOfEmailGetsNoReminder() {
        String customer = newCustomer();
        post("/api/events", """
                {"type": "consent_changed", "customerId": "%s", "properties": {"consents": {"email": false}}}""".formatted(customer));
        post("/api/events", cartAbandoned(customer, "di@example.com", 129.00));
        ProcessInstance journey = journeyOf(customer);

        runAllJobs(journey.getId());

        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId("End_NoOffer").count()).isOne();
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void theSameEventSentTwiceStartsOneJourney() {
        String customer = newCustomer();
        String event = cartAbandoned(customer, "ed@example.com", 129.00).replace("{", "{\"eventId\": \"retry-" + customer + "\", ");

        assertThat(post("/api/events", event).body()).contains("\"status\":\"accepted\"");
        assertThat(post("/api/events", event).body()).contains("\"status\":\"duplicate\"");

        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).count()).isOne();
    }

    @Test
    void aSecondAbandonedCartWhileTheCustomerWaitsStartsNoSecondJourney() {
        String customer = newCustomer();
        post("/api/events", cartAbandoned(customer, "fa@example.com", 129.00));
        post("/api/events", cartAbandoned(customer, "fa@example.com", 99.00));

        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).count()).isOne();
    }

    @Test
    void anEventNoJourneyCaresAboutStartsNothing() {
        String customer = newCustomer();
        assertThat(post("/api/events", """
                {"type": "page_viewed", "customerId": "%s", "properties": {"url": "/sale"}}""".formatted(customer)).statusCode()).isEqualTo(202);

        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).count()).isZero();
    }

    private ProcessInstance journeyOf(String customer) {
        return runtime.createProcessInstanceQuery().processDefinitionKey("abandonedCart").processInstanceBusinessKey(customer).singleResult();
    }

    public static String newCustomer() {
        return "c-" + UUID.randomUUID();
    }

    /** The shipped abandoned-cart journey with its wait set to {@code wait} in the file (a draft to test or backtest). */
    public static String abandonedCartWaiting(String wait) throws IOException {
        String shipped = Files.readString(Path.of("../workflows/abandoned-cart.bpmn"));
        assertThat(shipped).contains("${waits.get('abandoned-cart')}");
        return shipped.replace("${waits.get('abandoned-cart')}", wait);
    }

    public static String cartAbandoned(String customer, String email, double total) {
        return """
                {"type": "cart_abandoned", "customerId": "%s", "identities": {"email": "%s"},
                 "occurredAt": "2026-11-22T10:00:00Z",
                 "properties": {"cartId": "k-1", "items": [{"sku": "D-1", "name": "Linen dress", "quantity": 1, "price": %s}], "total": %s}}
                """.formatted(customer, email, total, total);
    }
}
