package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * The limits of an event, checked before the database or the profile sees it: each refusal is a 4xx naming the
 * field, nothing of the refused event is recorded or stays in the profile, and a batch answers per event.
 */
class EventLimitsIT extends EngineIT {

    @Autowired
    ProfileService profiles;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void fieldsOverTheirColumnsAreRefusedNamingTheField() {
        String customer = known();
        assertRefused(event("\"customerId\": \"" + customer + "\", \"identities\": {\"phone\": \"" + "1".repeat(65) + "\"}"), 400, "identities.phone");
        assertRefused(event("\"customerId\": \"" + customer + "\", \"identities\": {\"" + "k".repeat(65) + "\": \"v\"}"), 400, "identities");
        assertRefused(event("\"customerId\": \"" + customer + "\", \"identities\": {\"crmId\": \"" + "v".repeat(321) + "\"}"), 400, "identities.crmId");
        assertRefused(event("\"customerId\": \"" + "c".repeat(201) + "\""), 400, "customerId");
        assertRefused(event("\"customerId\": \"" + customer + "\", \"eventId\": \"" + "e".repeat(201) + "\""), 400, "eventId");
        assertRefused("{\"type\": \"" + "t".repeat(201) + "\", \"customerId\": \"" + customer + "\"}", 400, "type");
        assertRefused(event("\"customerId\": \"c-\\ud800\""), 400, "customerId");
        assertRefused(event("\"customerId\": \"" + customer + "\", \"properties\": {\"previousId\": \"" + "p".repeat(201) + "\"}"), 400, "properties.previousId");
        assertRefused(event("\"customerId\": \"" + customer + "\", \"properties\": {\"timeZone\": \"" + "z".repeat(65) + "\"}"), 400, "properties.timeZone");

        assertThat(profiles.find(customer).orElseThrow().eventCount()).as("no refused event reached the profile").isEqualTo(1);
    }

    @Test
    void anEventLargerAsStoredThanItsColumnIsRefusedWith413AndNotRecorded() {
        String customer = "c-" + UUID.randomUUID();
        String eventId = "ev-" + UUID.randomUUID();
        String body = "{\"eventId\": \"" + eventId + "\", \"type\": \"page_viewed\", \"customerId\": \"" + customer
                + "\", \"properties\": {\"note\": \"" + "x".repeat(1_030_000) + "\"}}";
        assertThat(body.length()).as("under max-payload-bytes").isLessThan(1_048_576);

        assertRefused(body, 413, "as stored");
        assertThat(jdbc.queryForObject("select count(*) from customer_event where event_id = ?", Integer.class, eventId)).isZero();
        assertThat(profiles.find(customer)).isEmpty();
    }

    @Test
    void anUpdateThatWouldMakeTheProfileTooLargeIsRefusedAndLeavesTheProfileAsItWas() {
        String customer = "c-" + UUID.randomUUID();
        String half = "x".repeat(480_000);
        assertThat(post("/api/events", event("\"customerId\": \"" + customer + "\", \"properties\": {\"traits\": {\"notes\": \"" + half + "\"}}"))
                .statusCode()).isEqualTo(202);
        CustomerProfile before = profiles.find(customer).orElseThrow();

        assertRefused(event("\"customerId\": \"" + customer + "\", \"properties\": {\"traits\": {\"more\": \"" + half + "\"}, \"consents\": {\"email\": false}}"),
                400, "properties");

        CustomerProfile after = profiles.find(customer).orElseThrow();
        assertThat(after.attributes()).containsOnlyKeys("notes");
        assertThat(after.consents()).isEmpty();
        assertThat(after.eventCount()).isEqualTo(before.eventCount());
        assertThat(jdbc.queryForObject("select count(*) from customer_event where customer_id = ?", Integer.class, customer)).isOne();
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedWith400() {
        byte[] body = event("\"customerId\": \"c-latin\", \"properties\": {\"city\": \"Z\u00fcrich\"}").getBytes(StandardCharsets.ISO_8859_1);

        HttpResponse<String> response = send(request("/api/events").header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("not valid UTF-8");
        assertThat(profiles.find("c-latin")).isEmpty();
    }

    @Test
    void aBodyShorterThanItsContentLengthIsRefusedWith400() throws IOException {
        byte[] body = event("\"customerId\": \"c-truncated\"").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + basic(USER, PASSWORD)
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (body.length + 50) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            socket.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(answer);
            // Tomcat itself marks a body that ends early as a bad request, so the answer is its 400 error document
            assertThat(answer.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 400");
        }
        assertThat(profiles.find("c-truncated")).isEmpty();
    }

    @Test
    void aBatchAnswersPerEventAndCommitsTheValidOnes() {
        String customer = "c-" + UUID.randomUUID();
        HttpResponse<String> response = post("/api/events/batch", "["
                + event("\"eventId\": \"" + customer + "-1\", \"customerId\": \"" + customer + "\"") + ","
                + event("\"eventId\": \"" + customer + "-2\", \"customerId\": \"" + customer + "\", \"identities\": {\"phone\": \"" + "1".repeat(65) + "\"}") + ","
                + event("\"eventId\": \"" + customer + "-3\", \"customerId\": \"" + customer + "\", \"properties\": {\"note\": \"" + "x".repeat(1_030_000) + "\"}") + ","
                + event("\"eventId\": \"" + customer + "-4\", \"customerId\": \"" + customer + "\"") + "]");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).contains("\"index\":0").contains("\"index\":3").contains("identities.phone").contains("as stored");
        assertThat(jdbc.queryForList("select event_id from customer_event where customer_id = ? order by event_id", String.class, customer))
                .containsExactly(customer + "-1", customer + "-4");
        assertThat(profiles.find(customer).orElseThrow().eventCount()).isEqualTo(2);
    }

    private String known() {
        String customer = "c-" + UUID.randomUUID();
        assertThat(post("/api/events", event("\"customerId\": \"" + customer + "\"")).statusCode()).isEqualTo(202);
        return customer;
    }

    private static String event(String fields) {
        return "{\"type\": \"page_viewed\", " + fields + "}";
    }

    private void assertRefused(String body, int status, String naming) {
        HttpResponse<String> response = post("/api/events", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":" + status, "\"detail\":").contains(naming);
    }
}
