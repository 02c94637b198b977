package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.ProfileService;

/** POST /api/events and /api/events/batch through the real Camel routes: accepted, refused, authenticated. */
class EventsApiIT extends EngineIT {

    @Autowired
    ProfileService profiles;

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
}
