package io.touchpoint.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.EngineIT;
import io.touchpoint.journeys.AbandonedCartJourneyIT;

/** The console's APIs over HTTP Basic: the roles they enforce, their answers to bad input, and their figures. */
class ConsoleApiIT extends EngineIT {

    @Autowired
    RuntimeService runtime;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aViewerWhoRetriesIsRefusedWith403AndAClearMessage() throws Exception {
        HttpResponse<String> refused = postAs("viewer", "viewer", "/api/console/incidents/retry", "{\"ids\": [\"i-1\"]}");

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(refused.body()).path("detail").asText())
                .isEqualTo("'viewer' (role viewer) may not retry: that needs the operator role.");
    }

    @Test
    void anOperatorMayRetryButNotDeployAndAMarketerMayDeploy() throws Exception {
        HttpResponse<String> retried = postAs("operator", "operator", "/api/console/incidents/retry", "{\"ids\": [\"no-such-incident\"]}");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(json.readTree(retried.body()).path("notFound").get(0).asText()).isEqualTo("no-such-incident");
        HttpResponse<String> emptyId = postAs("operator", "operator", "/api/console/incidents/retry", "{\"ids\": [\"i-1\", null]}");
        assertThat(emptyId.statusCode()).as("found by the fuzz test: a null id was a 500").isEqualTo(400);
        assertThat(emptyId.body()).contains("'ids' holds an empty id");

        HttpResponse<String> deploy = postAs("operator", "operator", "/engine-rest/deployment/create", "");
        assertThat(deploy.statusCode()).isEqualTo(403);
        assertThat(deploy.body()).contains("may not deploy: that needs the marketer role");

        assertThat(postAs("marketer", "marketer", "/engine-rest/deployment/create", "").statusCode())
                .as("past the role check: Camunda itself wants a multipart deployment").isEqualTo(415);
    }

    @Test
    void everyRoleReadsTheConsoleAndNoOneSignedOutDoes() {
        for (String user : new String[] {"viewer", "operator", "marketer"}) {
            assertThat(send(request("/api/console/journeys").header("Authorization", basic(user, user)).GET().build()).statusCode()).isEqualTo(200);
        }
        assertThat(send(request("/api/console/journeys").GET().build()).statusCode()).isEqualTo(401);
        HttpResponse<String> page = send(request("/console/").header("Accept", "text/html").GET().build());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/console/login.html"));
    }

    @Test
    void aSearchFindsACustomerByEmailInAnyCaseOrPhoneAndNothingForAnUnknownOne() throws Exception {
        String customer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", """
                {"type": "signed_up", "customerId": "%s", "identities": {"email": "kim@example.com", "phone": "+4915100000077"}}""".formatted(customer));

        assertThat(json.readTree(get("/api/console/customers?q=KIM@example.com").body()).findValuesAsText("customerId")).containsExactly(customer);
        assertThat(json.readTree(get("/api/console/customers?q=%2B4915100000077").body()).findValuesAsText("customerId")).containsExactly(customer);
        assertThat(json.readTree(get("/api/console/customers?q=nobody@example.com").body()).path("items")).isEmpty();
        HttpResponse<String> unknown = get("/api/console/customers/no-such-customer");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("No customer with id 'no-such-customer'");
    }

    @Test
    void theJourneyCountsCustomersWaitingAndPassedPerStep() throws Exception {
        JsonNode before = json.readTree(get("/api/console/journeys/abandonedCart").body());
        String customer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "lu@example.com", 129.0));

        JsonNode after = json.readTree(get("/api/console/journeys/abandonedCart").body());
        assertThat(step(after, "Timer_WaitBeforeReminder", "waiting")).isEqualTo(step(before, "Timer_WaitBeforeReminder", "waiting") + 1);
        assertThat(step(after, "Start_CartAbandoned", "passed")).isEqualTo(step(before, "Start_CartAbandoned", "passed") + 1);
        assertThat(after.path("entered").asLong()).isEqualTo(before.path("entered").asLong() + 1);
        assertThat(after.path("bpmnXml").asText()).contains("id=\"abandonedCart\"");
        assertThat(get("/api/console/journeys/noSuchJourney").statusCode()).isEqualTo(404);
    }

    @Test
    void aCustomerWhoseReminderWaitsOutQuietHoursIsCountedAndListedAtTheSendStepTheMarketerDrew() throws Exception {
        JsonNode before = json.readTree(get("/api/console/journeys/abandonedCart").body());
        String customer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "properties": {"timeZone": "Europe/Berlin"}}""".formatted(customer));
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "nora@example.com", 129.0));
        String run = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).processDefinitionKey("abandonedCart")
                .singleResult().getId();
        try {
            ClockUtil.setCurrentTime(Date.from(Instant.parse("2026-11-23T22:30:00Z"))); // 23:30 in Berlin
            management.executeJob(management.createJobQuery().processInstanceId(run).timers().singleResult().getId());
        } finally {
            ClockUtil.reset();
        }
        assertThat(runtime.createExecutionQuery().processInstanceId(run).activityId("Send_ReminderEmail_WaitUntilSendAllowed").count())
                .as("the engine's own step in front of the Send message step").isOne();

        JsonNode after = json.readTree(get("/api/console/journeys/abandonedCart").body());
        assertThat(step(after, "Send_ReminderEmail", "waiting")).isEqualTo(step(before, "Send_ReminderEmail", "waiting") + 1);
        assertThat(after.path("steps").has("Send_ReminderEmail_WaitUntilSendAllowed")).as("no step the diagram does not have").isFalse();
        JsonNode waiting = json.readTree(get("/api/console/journeys/abandonedCart/steps/Send_ReminderEmail/runs?limit=500").body());
        assertThat(waiting.path("items").findValuesAsText("runId")).contains(run);
    }

    @Test
    void anOrderBeforeTheReminderCountsAsConvertedTodayAndAnotherEndingAsExited() throws Exception {
        JsonNode before = abandonedCartSummary();
        String buyer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(buyer, "ned@example.com", 50.0));
        post("/api/events", "{\"type\": \"order_placed\", \"customerId\": \"" + buyer + "\"}");
        String reminded = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(reminded, "ola@example.com", 50.0));
        runAllJobs(runtime.createProcessInstanceQuery().processInstanceBusinessKey(reminded).singleResult().getId());

        JsonNode after = abandonedCartSummary();
        assertThat(after.path("enteredToday").asLong()).isEqualTo(before.path("enteredToday").asLong() + 2);
        assertThat(after.path("convertedToday").asLong()).isEqualTo(before.path("convertedToday").asLong() + 1);
        assertThat(after.path("exitedToday").asLong()).isEqualTo(before.path("exitedToday").asLong() + 1);
    }

    private JsonNode abandonedCartSummary() throws Exception {
        for (JsonNode journey : json.readTree(get("/api/console/journeys").body())) {
            if (journey.path("key").asText().equals("abandonedCart")) {
                return journey;
            }
        }
        throw new AssertionError("abandonedCart is not in the journey list");
    }

    @Test
    void aReminderFollowedByAnOrderIsAConversionForEmailFirstAndLastTouch() throws Exception {
        JsonNode before = json.readTree(get("/api/console/analytics").body()).path("channels").path("email");
        String customer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "mo@example.com", 129.0));
        runAllJobs(runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId());
        post("/api/events", """
                {"type": "email_opened", "customerId": "%s", "properties": {"channel": "email"}}""".formatted(customer));
        post("/api/events", """
                {"type": "order_placed", "customerId": "%s", "properties": {"orderId": "o-9"}}""".formatted(customer));

        JsonNode after = json.readTree(get("/api/console/analytics").body()).path("channels").path("email");
        assertThat(after.path("sent").asLong()).isEqualTo(before.path("sent").asLong() + 1);
        assertThat(after.path("opens").asLong()).isEqualTo(before.path("opens").asLong() + 1);
        assertThat(after.path("firstTouchConversions").asLong()).isEqualTo(before.path("firstTouchConversions").asLong() + 1);
        assertThat(after.path("lastTouchConversions").asLong()).isEqualTo(before.path("lastTouchConversions").asLong() + 1);

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode sent = json.readTree(get("/api/console/messages?channel=email&status=sent&template=abandoned-cart-reminder&from=" + today
                + "&to=" + today + "&customer=" + customer).body());
        assertThat(sent.findValuesAsText("recipient")).containsExactly("mo@example.com");
        assertThat(get("/api/console/messages?channel=sms&customer=" + customer).body()).isEqualTo("[]");
        assertThat(get("/api/console/analytics?from=2026-13-01").body()).contains("is not a date");
    }

    @Test
    void theRulesPageListsTheRuleFiles() {
        assertThat(get("/api/console/rules").body()).contains("\"name\":\"offer.drl\"");
    }

    private long step(JsonNode journey, String step, String figure) {
        return journey.path("steps").path(step).path(figure).asLong();
    }

    private HttpResponse<String> postAs(String user, String password, String path, String body) {
        return send(request(path).header("Authorization", basic(user, password)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
