package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.ProfileService;

/** POST /api/events and /api/events/batch through the real Camel routes: accepted, refused, authenticated. */
class EventsApiIT extends EngineIT {

    @Autowired
    ProfileService profiles;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anAcceptedEventAnswers202WithItsIdAndUpdatesTheProfile() {
        HttpResponse<String> response = post("/api/events", """
                {"eventId": "ev-profile-1", "type": "signed_up", "customerId": "c-profile-1",
                 "identities": {"email": "gil@example.com", "phone": "+4915112345678"},
                 "properties": {"traits": {"firstName": "Gil", "vip": true}}}""");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).contains("\"eventId\":\"ev-profile-1\"").contains("\"customerId\":\"c-profile-1\"");
        assertThat(profiles.find("c-profile-1")).hasValueSatisfying(profile -> {
            assertThat(profile.email()).isEqualTo("gil@example.com");
            assertThat(profile.phone()).isEqualTo("+4915112345678");
            assertThat(profile.attributes()).containsEntry("firstName", "Gil").containsEntry("vip", true);
        });
    }

    @Test
    void anEventWithOnlyAnEmailIsAppliedToTheCustomerWhoOwnsIt() {
        post("/api/events", """
                {"type": "signed_up", "customerId": "c-owner-1", "identities": {"email": "hal@example.com"}}""");

        HttpResponse<String> response = post("/api/events", """
                {"type": "page_viewed", "identities": {"email": "hal@example.com"}}""");

        assertThat(response.body()).contains("\"customerId\":\"c-owner-1\"");
        assertThat(profiles.find("c-owner-1").orElseThrow().eventCount()).isEqualTo(2);
    }

    @Test
    void anEventWithoutTypeIsRefusedNamingTheField() {
        HttpResponse<String> response = post("/api/events", """
                {"customerId": "c-1"}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("field 'type' is required");
    }

    @Test
    void aRefusedEventIsAnsweredAsAnRfc9457ProblemWhoseDetailNamesTheField() throws Exception {
        HttpResponse<String> response = post("/api/events", """
                {"customerId": "c-1"}""");

        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = new ObjectMapper().readTree(response.body());
        assertThat(problem.path("type").asText()).isEqualTo("about:blank");
        assertThat(problem.path("title").asText()).isEqualTo("Bad Request");
        assertThat(problem.path("status").asInt()).isEqualTo(400);
        assertThat(problem.path("detail").asText()).contains("field 'type' is required");
    }

    @Test
    void anEventWithoutCustomerIdOrIdentitiesIsRefusedNamingTheFields() {
        HttpResponse<String> response = post("/api/events", """
                {"type": "cart_abandoned", "identities": {}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("'customerId' or 'identities' is required");
    }

    @Test
    void malformedJsonIsRefusedAndNothingIsRecorded() {
        HttpResponse<String> response = post("/api/events", "{\"eventId\": \"ev-broken\", \"type\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("malformed JSON");
    }

    @Test
    void aFieldOfTheWrongTypeIsRefusedAndTheProfileIsUnchanged() {
        HttpResponse<String> response = post("/api/events", """
                {"type": "consent_changed", "customerId": "c-wrong-1", "properties": {"consents": {"email": "nope"}}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("properties.consents.email");
        assertThat(profiles.find("c-wrong-1")).isEmpty();
    }

    @Test
    void aBatchAcceptsTheValidEventsAndReportsEachInvalidOneByIndex() {
        HttpResponse<String> response = post("/api/events/batch", """
                [{"type": "page_viewed", "customerId": "c-batch-1"},
                 {"customerId": "c-batch-2"},
                 {"type": "page_viewed", "customerId": "c-batch-3"}]""");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).contains("field 'type' is required").contains("\"index\":1");
        assertThat(profiles.find("c-batch-1")).isPresent();
        assertThat(profiles.find("c-batch-3")).isPresent();
        assertThat(profiles.find("c-batch-2")).isEmpty();
    }

    @Test
    void manyConcurrentRequestsEachGetTheirAnswer() throws Exception {
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<HttpResponse<String>>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String event = "{\"eventId\": \"ev-concurrent-" + i + "\", \"type\": \"page_viewed\", \"customerId\": \"c-concurrent-" + (i % 20) + "\"}";
                answers.add(clients.submit(() -> post("/api/events", event)));
            }
            for (java.util.concurrent.Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(202);
                assertThat(response.body()).contains("\"status\":\"accepted\"");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void withoutCredentialsTheApiAnswers401() {
        HttpResponse<String> response = send(request("/api/events").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"x\", \"customerId\": \"c-1\"}")).build());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void withAWrongPasswordTheApiAnswers401() {
        HttpResponse<String> response = send(request("/api/events").header("Authorization", basic(USER, "wrong"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"x\", \"customerId\": \"c-1\"}")).build());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void theAnswerDoesNotEchoTheRequestHeaders() {
        HttpResponse<String> response = post("/api/events", "{\"type\": \"page_viewed\", \"customerId\": \"c-echo\"}");

        assertThat(response.headers().map().keySet()).map(String::toLowerCase).doesNotContain("authorization");
    }

    @Test
    void unknownFieldsAreKeptWithTheRecordedEvent() {
        HttpResponse<String> response = post("/api/events", """
                {"eventId": "ev-unknown-1", "type": "page_viewed", "customerId": "c-unknown-1",
                 "channel": "web", "context": {"campaign": "spring"}}""");

        assertThat(response.statusCode()).isEqualTo(202);
        String payload = jdbc.queryForObject("select payload from customer_event where event_id = 'ev-unknown-1'", String.class);
        assertThat(payload).contains("\"channel\":\"web\"").contains("\"campaign\":\"spring\"");
    }

    @Test
    void anEnvelopeFieldBreakingTheSchemaIsRefusedNamingTheField() {
        HttpResponse<String> response = post("/api/events", """
                {"type": "page_viewed", "customerId": "c-schema-1", "occurredAt": "yesterday"}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("field 'occurredAt'");
        assertThat(profiles.find("c-schema-1")).isEmpty();
    }

    @Test
    void propertiesBreakingTheSchemaRegisteredForTheirEventTypeAreRefusedNamingTheField() {
        HttpResponse<String> response = post("/api/events", """
                {"type": "cart_abandoned", "customerId": "c-schema-2", "properties": {"total": "a lot"}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("field 'properties.total'");
        assertThat(profiles.find("c-schema-2")).isEmpty();
    }

    @Test
    void aBatchWithMixedEventsReportsEachInvalidOneWithItsIndexAndReason() {
        HttpResponse<String> response = post("/api/events/batch", """
                [{"eventId": "ev-mix-0", "type": "page_viewed", "customerId": "c-mix-0"},
                 {"type": "page_viewed", "customerId": "c-mix-1", "occurredAt": 42},
                 {"eventId": "ev-mix-2", "type": "cart_abandoned", "customerId": "c-mix-2", "properties": {"items": [{"quantity": 1}]}},
                 "not an event",
                 {"eventId": "ev-mix-4", "type": "page_viewed", "customerId": "c-mix-4"}]""");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body())
                .contains("{\"index\":1,\"error\":\"field 'occurredAt'")
                .contains("field 'properties.items[0].name' is required")
                .contains("an event must be a JSON object");
        assertThat(jdbc.queryForObject("select count(*) from customer_event where event_id in ('ev-mix-0', 'ev-mix-4')", Integer.class)).isEqualTo(2);
        assertThat(profiles.find("c-mix-1")).isEmpty();
        assertThat(profiles.find("c-mix-2")).isEmpty();
    }

    @Test
    void aRepeatedEventIdInABatchIsProcessedOnce() {
        HttpResponse<String> response = post("/api/events/batch", """
                [{"eventId": "ev-twice-1", "type": "page_viewed", "customerId": "c-twice-1"},
                 {"eventId": "ev-twice-1", "type": "page_viewed", "customerId": "c-twice-1"}]""");

        assertThat(response.body()).contains("\"status\":\"accepted\"").contains("\"status\":\"duplicate\"");
        assertThat(profiles.find("c-twice-1").orElseThrow().eventCount()).isEqualTo(1);
    }

    @Test
    void aBatchOverTheConfiguredSizeIsRefusedWith413AndNothingGoesIn() {
        String events = java.util.stream.IntStream.range(0, 1001)
                .mapToObj(i -> "{\"type\": \"page_viewed\", \"customerId\": \"c-big-batch-" + i + "\"}")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));

        HttpResponse<String> response = post("/api/events/batch", events);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("at most 1000 events");
        assertThat(profiles.find("c-big-batch-0")).isEmpty();
    }

    @Test
    void aPayloadOverTheConfiguredSizeIsRefusedWith413() {
        String padding = "x".repeat(1_100_000);
        HttpResponse<String> response = post("/api/events", """
                {"type": "page_viewed", "customerId": "c-huge-1", "properties": {"note": "%s"}}""".formatted(padding));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(profiles.find("c-huge-1")).isEmpty();
    }
}
