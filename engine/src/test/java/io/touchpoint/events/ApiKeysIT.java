package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;

/** API keys of event sources: issued and revoked through the admin API while the engine runs, stored hashed. */
class ApiKeysIT extends EngineIT {

    @Autowired
    JdbcTemplate jdbc;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anIssuedKeyLetsItsSourceSendEventsUntilItIsRevoked() throws Exception {
        JsonNode issued = json.readTree(post("/api/event-sources/keys", "{\"source\": \"shop\"}").body());
        String key = issued.get("key").asText();

        assertThat(postWithKey(key, "{\"eventId\": \"ev-key-1\", \"type\": \"page_viewed\", \"customerId\": \"c-key-1\"}").statusCode()).isEqualTo(202);

        HttpResponse<String> revoked = send(request("/api/event-sources/keys/" + issued.get("id").asText())
                .header("Authorization", basic(USER, PASSWORD)).DELETE().build());
        assertThat(revoked.statusCode()).isEqualTo(204);
        HttpResponse<String> afterRevocation = postWithKey(key, "{\"eventId\": \"ev-key-2\", \"type\": \"page_viewed\", \"customerId\": \"c-key-1\"}");
        assertThat(afterRevocation.statusCode()).isEqualTo(401);
        assertThat(afterRevocation.body()).contains("X-Api-Key");
    }

    @Test
    void onlyTheHashOfAKeyIsStored() throws Exception {
        JsonNode issued = json.readTree(post("/api/event-sources/keys", "{\"source\": \"crm\"}").body());

        String stored = jdbc.queryForObject("select key_hash from event_source_key where id = ?", String.class, issued.get("id").asText());
        assertThat(stored).isNotEqualTo(issued.get("key").asText()).isEqualTo(ApiKeys.hash(issued.get("key").asText()));
        assertThat(get("/api/event-sources/keys").body()).contains("crm").doesNotContain(issued.get("key").asText());
    }

    @Test
    void anUnknownKeyIsRefusedWithAProblemThatNamesTheHeader() {
        HttpResponse<String> refused = postWithKey("tpk_made-up", "{\"type\": \"page_viewed\", \"customerId\": \"c-key-2\"}");

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("\"status\":401", "\"detail\":\"unknown or revoked API key in header " + ApiKeyAuthenticationFilter.HEADER);
    }

    @Test
    void aKeyOpensTheEventPathsOnly() throws Exception {
        String key = json.readTree(post("/api/event-sources/keys", "{\"source\": \"billing\"}").body()).get("key").asText();

        HttpResponse<String> engineRest = send(request("/engine-rest/process-definition").header(ApiKeyAuthenticationFilter.HEADER, key).GET().build());
        HttpResponse<String> keyAdmin = send(request("/api/event-sources/keys").header(ApiKeyAuthenticationFilter.HEADER, key).GET().build());

        assertThat(engineRest.statusCode()).isEqualTo(401);
        assertThat(engineRest.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Touchpoint\"");
        assertThat(engineRest.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(keyAdmin.statusCode()).isEqualTo(401);
    }

    @Test
    void aKeyWithoutASourceNameIsRefusedNamingTheField() {
        HttpResponse<String> response = post("/api/event-sources/keys", "{}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("field 'source'");
    }

    private HttpResponse<String> postWithKey(String key, String body) {
        return send(request("/api/events").header(ApiKeyAuthenticationFilter.HEADER, key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
