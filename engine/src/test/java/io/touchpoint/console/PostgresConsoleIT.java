package io.touchpoint.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.EngineIT;
import io.touchpoint.PostgresTest;
import io.touchpoint.journeys.AbandonedCartJourneyIT;

/** The console's SQL over Camunda's tables and ours on the {@code postgres} profile (database {@code touchpoint_it}). */
@PostgresTest
class PostgresConsoleIT extends EngineIT {

    @Autowired
    RuntimeService runtime;

    @Test
    void everyConsoleApiAnswersOnPostgres() throws Exception {
        String customer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "pat@example.com", 150.0));
        String journey = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId();
        management.executeJob(management.createJobQuery().processInstanceId(journey).timers().singleResult().getId());

        assertThat(get("/api/console/customers/" + customer).body()).contains("\"kind\":\"decision\"").contains("Carts over 100 get 10% off");
        runAllJobs(journey);
        post("/api/events", "{\"type\": \"order_placed\", \"customerId\": \"" + customer + "\"}");

        assertThat(get("/api/console/journeys").body()).contains("\"key\":\"abandonedCart\"");
        assertThat(get("/api/console/journeys/abandonedCart").body()).contains("\"messagesByChannel\":{\"email\":{\"SENT\":");
        assertThat(get("/api/console/customers?q=PAT@example.com").body()).contains(customer);
        assertThat(get("/api/console/customers/" + customer).body()).contains("abandoned-cart-reminder SENT").contains("order_placed");
        assertThat(get("/api/console/messages?status=SENT&customer=" + customer).body()).contains("pat@example.com");
        assertThat(get("/api/console/analytics").body()).contains("\"lastTouchConversions\":").doesNotContain("\"lastTouchConversions\":0");
        assertThat(get("/api/console/failed-messages").statusCode()).isEqualTo(200);
        assertThat(get("/api/console/incidents").statusCode()).isEqualTo(200);

        String waiting = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(waiting, "quinn@example.com", 50.0));
        String run = runtime.createProcessInstanceQuery().processInstanceBusinessKey(waiting).singleResult().getId();
        assertThat(get("/api/console/customers?q=AT@EXAMPLE").body()).contains(customer).contains("\"total\":");
        assertThat(get("/api/console/customers/" + customer + "/decisions").body()).contains("Carts over 100 get 10% off");
        assertThat(get("/api/console/journeys/abandonedCart/steps/Timer_WaitBeforeReminder/runs").body()).contains(run);
        assertThat(get("/api/console/runs/" + journey).body()).contains("\"state\":\"COMPLETED\"").contains("You left something in your cart");
        assertThat(get("/api/console/journeys/abandonedCart").body()).contains("\"converted\":").contains("\"goal\":true");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(get("/api/console/journeys/abandonedCart/over-time?zone=Europe/Berlin")
                .body()).path("totals").path("entries").asLong()).as("the two runs started today").isGreaterThanOrEqualTo(2);
        assertThat(get("/api/console/messages/over-time?journey=abandonedCart").body()).contains("\"template\":\"abandoned-cart-reminder\"");
        assertThat(get("/api/console/incidents/groups?by=step").statusCode()).isEqualTo(200);
        assertThat(send(request("/api/console/runs/" + run + "/cancel").header("Authorization", basic("operator", "operator"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"reason\": \"test\"}")).build())
                .statusCode()).isEqualTo(200);
        assertThat(get("/api/console/runs/" + run).body()).contains("\"state\":\"CANCELLED\"").contains("\"action\":\"CANCEL\"");
    }
}
