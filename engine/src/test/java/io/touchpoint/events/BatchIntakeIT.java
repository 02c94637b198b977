package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.ProfileService;

/**
 * A batch goes in many events to a transaction: events of one customer still see each other in order, identify
 * events merge on their own, and a batch whose transaction fails goes in one by one, nothing lost or counted twice.
 */
class BatchIntakeIT extends EngineIT {

    @Autowired
    ProfileService profiles;
    @Autowired
    RuntimeService runtime;
    @Autowired
    HistoryService history;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    ObjectMapper json;
    @Autowired
    com.hazelcast.core.HazelcastInstance hazelcast;

    @Test
    void aBatchTellsNewCustomersFromStoredOnesTheCacheNoLongerHolds() throws Exception {
        accepted(post("/api/events/batch", """
                [{"eventId": "ev-bt-stored-1", "type": "profile_updated", "customerId": "c-bt-stored", "properties": {"traits": {"tier": "gold"}}}]"""));
        hazelcast.getMap(ProfileService.MAP_NAME).evict("c-bt-stored"); // stored, no longer cached

        accepted(post("/api/events/batch", """
                [{"eventId": "ev-bt-new-1", "type": "page_viewed", "customerId": "c-bt-new-1"},
                 {"eventId": "ev-bt-stored-2", "type": "page_viewed", "customerId": "c-bt-stored"},
                 {"eventId": "ev-bt-new-2", "type": "profile_updated", "customerId": "c-bt-new-2", "properties": {"traits": {"tier": "new"}}}]"""));

        assertThat(profiles.find("c-bt-stored").orElseThrow()).satisfies(stored -> {
            assertThat(stored.attributes()).as("loaded, not taken for new").containsEntry("tier", "gold");
            assertThat(stored.eventCount()).isEqualTo(2);
        });
        assertThat(profiles.find("c-bt-new-1").orElseThrow().eventCount()).isEqualTo(1);
        assertThat(profiles.find("c-bt-new-2").orElseThrow().attributes()).containsEntry("tier", "new");
        hazelcast.getMap(ProfileService.MAP_NAME).evict("c-bt-new-2");
        assertThat(profiles.find("c-bt-new-2").orElseThrow().attributes()).as("a new customer's profile was stored").containsEntry("tier", "new");
    }

    @Test
    void aLaterEventOfTheSameBatchSeesTheJourneyAnEarlierOneStarted() throws Exception {
        JsonNode answer = accepted(post("/api/events/batch", """
                [{"eventId": "ev-bt-cart-1", "type": "cart_abandoned", "customerId": "c-bt-1", "properties": {"total": 10}},
                 {"eventId": "ev-bt-cart-2", "type": "cart_abandoned", "customerId": "c-bt-1", "properties": {"total": 20}},
                 {"eventId": "ev-bt-order", "type": "order_placed", "customerId": "c-bt-1"},
                 {"eventId": "ev-bt-cart-3", "type": "cart_abandoned", "customerId": "c-bt-2", "properties": {"total": 30}}]"""));

        assertThat(answer.path("accepted")).hasSize(4);
        assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("abandonedCart").processInstanceBusinessKey("c-bt-1").count())
                .as("the second cart event finds the journey the first one started (re-entry only after exit)").isEqualTo(1);
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("abandonedCart").processInstanceBusinessKey("c-bt-1").count())
                .as("the order placed in the same batch ended it").isZero();
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("abandonedCart").processInstanceBusinessKey("c-bt-2").count()).isEqualTo(1);
        assertThat(profiles.find("c-bt-1").orElseThrow().eventCount()).isEqualTo(3);
    }

    @Test
    void anEventThatEndsACustomersRunAndStartsTheJourneyAgainDoesBothInOneBatch() throws Exception {
        accepted(post("/api/events/batch", """
                [{"eventId": "ev-bt-wb-1", "type": "order_placed", "customerId": "c-bt-wb", "properties": {"orderId": "o-1"}}]"""));
        String first = runtime.createProcessInstanceQuery().processDefinitionKey("winBack").processInstanceBusinessKey("c-bt-wb").singleResult().getId();

        accepted(post("/api/events/batch", """
                [{"eventId": "ev-bt-wb-other", "type": "page_viewed", "customerId": "c-bt-wb-other"},
                 {"eventId": "ev-bt-wb-2", "type": "order_placed", "customerId": "c-bt-wb", "properties": {"orderId": "o-2"}}]"""));

        assertThat(history.createHistoricProcessInstanceQuery().processInstanceId(first).singleResult().getEndActivityId())
                .as("the second order ends the run the first one started").isEqualTo("End_OrderedAgain");
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("winBack").processInstanceBusinessKey("c-bt-wb").list())
                .as("and starts the wait again: the run that ended in the same engine command does not count as active")
                .singleElement().satisfies(run -> assertThat(run.getId()).isNotEqualTo(first));
    }

    @Test
    void anIdentifyEventInABatchMergesAndTheEventsAfterItFindTheSurvivor() throws Exception {
        JsonNode answer = accepted(post("/api/events/batch", """
                [{"eventId": "ev-bt-anon", "type": "page_viewed", "customerId": "c-bt-anon", "identities": {"email": "ida@example.com"}},
                 {"eventId": "ev-bt-identify", "type": "identify", "customerId": "c-bt-known", "identities": {"email": "ida@example.com"}},
                 {"eventId": "ev-bt-later", "type": "page_viewed", "identities": {"email": "ida@example.com"}},
                 {"eventId": "ev-bt-bad", "type": "consent_changed", "customerId": "c-bt-known", "properties": {"consents": {"email": "nope"}}}]"""));

        assertThat(answer.path("accepted")).hasSize(3);
        assertThat(answer.path("accepted").get(2).path("customerId").asText()).isEqualTo("c-bt-known");
        assertThat(answer.path("rejected").get(0).path("index").asInt()).isEqualTo(3);
        assertThat(answer.path("rejected").get(0).path("error").asText()).contains("properties.consents.email");
        assertThat(profiles.find("c-bt-anon").orElseThrow().customerId()).as("merged into the identified customer").isEqualTo("c-bt-known");
        assertThat(profiles.find("c-bt-known").orElseThrow().eventCount()).isEqualTo(3);
    }

    @Test
    void aBatchWhoseTransactionFailsGoesInOneByOneCountingEachEventOnce() throws Exception {
        // another node is taking "ev-bt-contested" right now: its row is written but not yet committed
        try (Connection otherNode = dataSource.getConnection()) {
            otherNode.setAutoCommit(false);
            try (PreparedStatement insert = otherNode.prepareStatement("insert into customer_event (event_id, customer_id, type, occurred_at, received_at, payload) values (?, ?, ?, ?, ?, ?)")) {
                Timestamp now = Timestamp.from(Instant.now());
                insert.setString(1, "ev-bt-contested");
                insert.setString(2, "c-bt-fb-2");
                insert.setString(3, "page_viewed");
                insert.setTimestamp(4, now);
                insert.setTimestamp(5, now);
                insert.setString(6, "{}");
                insert.executeUpdate();
            }
            CompletableFuture<HttpResponse<String>> batch = CompletableFuture.supplyAsync(() -> post("/api/events/batch", """
                    [{"eventId": "ev-bt-before", "type": "page_viewed", "customerId": "c-bt-fb-1"},
                     {"eventId": "ev-bt-contested", "type": "page_viewed", "customerId": "c-bt-fb-2"},
                     {"eventId": "ev-bt-after", "type": "page_viewed", "customerId": "c-bt-fb-1"}]"""));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> batch.isDone() || waitingToRecord() > 0);
            otherNode.commit();

            JsonNode answer = accepted(batch.get());
            assertThat(answer.path("accepted").findValuesAsText("status")).containsExactly("accepted", "duplicate", "accepted");
        }
        assertThat(profiles.find("c-bt-fb-1").orElseThrow().eventCount()).as("applied in the failed attempt and not again").isEqualTo(2);
        assertThat(jdbc.queryForObject("select count(*) from customer_event where event_id in ('ev-bt-before', 'ev-bt-after')", Integer.class)).isEqualTo(2);
    }

    /** Sessions waiting on the other node's uncommitted row to insert theirs. */
    private int waitingToRecord() {
        return jdbc.queryForObject("select count(*) from information_schema.sessions where lower(executing_statement) like 'insert into customer_event%'", Integer.class);
    }

    private JsonNode accepted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body());
    }
}
