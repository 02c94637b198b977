package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.ProfileService;

/**
 * Every resource of Touchpoint's own API (/api/**) tried by nobody, by every role and by an event source's API key:
 * anonymous gets 401, a caller below the call's role 403 (the viewer never changes anything), a caller at or above it
 * reaches the controller. Events need an API key, the integration role or admin.
 */
class ApiRolesIT extends EngineIT {

    private static final Map<String, String> PASSWORDS = Map.of("viewer", "viewer", "operator", "operator", "marketer", "marketer",
            "admin", "touchpoint", "integration", "integration");
    /** Who may make a call of each kind; "key" = an event source's API key. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "VIEWER", Set.of("viewer", "operator", "marketer", "admin"),
            "OPERATOR", Set.of("operator", "marketer", "admin"),
            "MARKETER", Set.of("marketer", "admin"),
            "ADMIN", Set.of("admin"),
            "EVENTS", Set.of("integration", "admin", "key"),
            "NOBODY", Set.of());

    /** method, path, who may; every controller and route of /api/**. */
    private static final String CALLS = """
            POST   /api/events                           EVENTS
            POST   /api/events/batch                     EVENTS
            GET    /api/events                           NOBODY
            DELETE /api/events                           NOBODY
            GET    /api/customers                        VIEWER
            GET    /api/customers/none                   VIEWER
            GET    /api/customers/none/decisions         VIEWER
            PATCH  /api/customers/none/attributes        OPERATOR
            PUT    /api/customers/none/consents          OPERATOR
            DELETE /api/customers/none                   OPERATOR
            POST   /api/customers/none                   NOBODY
            GET    /api/templates                        VIEWER
            POST   /api/templates/none/preview           MARKETER
            PUT    /api/templates/none/en                MARKETER
            POST   /api/journeys/none/migrations         MARKETER
            GET    /api/segments                         VIEWER
            GET    /api/segments/none                    VIEWER
            GET    /api/segments/none/members            VIEWER
            PUT    /api/segments/none                    MARKETER
            DELETE /api/segments/none                    MARKETER
            POST   /api/segments/preview                 MARKETER
            POST   /api/journeys/test                    MARKETER
            POST   /api/journeys/backtest                MARKETER
            GET    /api/journeys/backtest/none           VIEWER
            GET    /api/journeys/schedules               VIEWER
            GET    /api/journeys/backtest/none/bpmn      VIEWER
            GET    /api/rules/status                     VIEWER
            GET    /api/offers                           VIEWER
            GET    /api/offers/none                      VIEWER
            PUT    /api/offers/none                      MARKETER
            DELETE /api/offers/none                      MARKETER
            POST   /api/offers/none/learning/reset       MARKETER
            GET    /api/console/offers                   VIEWER
            GET    /api/event-sources/keys               ADMIN
            POST   /api/event-sources/keys               ADMIN
            DELETE /api/event-sources/keys/none          ADMIN
            GET    /api/console/journeys                 VIEWER
            GET    /api/console/journeys/none            VIEWER
            GET    /api/console/customers                VIEWER
            GET    /api/console/customers/none           VIEWER
            GET    /api/console/incidents                VIEWER
            GET    /api/console/incidents/none           VIEWER
            POST   /api/console/incidents/retry          OPERATOR
            GET    /api/console/failed-messages          VIEWER
            GET    /api/console/messages                 VIEWER
            GET    /api/console/messages/filters         VIEWER
            GET    /api/console/rules                    VIEWER
            GET    /api/console/analytics                VIEWER
            GET    /api/console/journeys/none/over-time  VIEWER
            GET    /api/console/journeys/none/steps/none/runs VIEWER
            GET    /api/console/runs/none                VIEWER
            POST   /api/console/runs/none/cancel         OPERATOR
            POST   /api/console/runs/none/move           OPERATOR
            GET    /api/console/customers/none/decisions VIEWER
            GET    /api/console/messages/over-time       VIEWER
            GET    /api/console/incidents/groups         VIEWER
            GET    /api/console/retries/none             VIEWER
            GET    /api/dev/mailbox                      VIEWER
            DELETE /api/dev/mailbox                      OPERATOR
            POST   /api/anything-new                     NOBODY
            PATCH  /api/console/journeys                 NOBODY
            """;

    @Autowired
    ProfileService profiles;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyApiResourceNeedsTheRoleOfWhatItDoes() throws Exception {
        String key = json.readTree(post("/api/event-sources/keys", "{\"source\": \"roles-test\"}").body()).get("key").asText();
        List<String> wrong = new ArrayList<>();
        for (String line : CALLS.strip().split("\n")) {
            String[] call = line.trim().split("\\s+");
            check(call[0], call[1], ALLOWED.get(call[2]), key, wrong);
        }
        assertThat(wrong).as("calls answered with the wrong status").isEmpty();
    }

    @Test
    void aViewerCannotMergeACustomerIntoAnotherOrChangeItsConsent() {
        String customer = "c-viewer-" + System.nanoTime();
        post("/api/events", "{\"type\": \"signed_up\", \"customerId\": \"%s\", \"identities\": {\"email\": \"%s@example.com\"}}".formatted(customer, customer));

        HttpResponse<String> alias = send(as("viewer", "POST", "/api/events",
                "{\"type\": \"alias\", \"customerId\": \"viewer-chosen\", \"properties\": {\"previousId\": \"%s\"}}".formatted(customer)));
        HttpResponse<String> consent = send(as("viewer", "PUT", "/api/customers/" + customer + "/consents", "{\"email\": false}"));

        assertThat(alias.statusCode()).isEqualTo(403);
        assertThat(alias.body()).contains("needs an event source's API key or the integration role");
        assertThat(consent.statusCode()).isEqualTo(403);
        assertThat(profiles.find(customer)).hasValueSatisfying(p -> assertThat(p.customerId()).isEqualTo(customer));
        assertThat(profiles.find("viewer-chosen")).isEmpty();
    }

    @Test
    void theIntegrationUserSendsEvents() {
        HttpResponse<String> accepted = send(as("integration", "POST", "/api/events",
                "{\"type\": \"page_viewed\", \"customerId\": \"c-integration-" + System.nanoTime() + "\"}"));

        assertThat(accepted.statusCode()).isEqualTo(202);
    }

    private void check(String method, String path, Set<String> allowed, String key, List<String> wrong) {
        int anonymous = send(call(method, path).build()).statusCode();
        if (anonymous != 401) {
            wrong.add(method + " " + path + " anonymous: " + anonymous);
        }
        for (String user : PASSWORDS.keySet()) {
            expect(method + " " + path + " as " + user, send(as(user, method, path, "{}")).statusCode(), allowed.contains(user) ? 0 : 403, wrong);
        }
        boolean eventPath = path.startsWith("/api/events");
        int withKey = send(call(method, path).header("X-Api-Key", key).build()).statusCode();
        // a key counts on the event paths only; elsewhere the caller is anonymous
        expect(method + " " + path + " with an API key", withKey, allowed.contains("key") ? 0 : eventPath ? 403 : 401, wrong);
    }

    /** Expected 0 = allowed: anything but 401 and 403. */
    private static void expect(String what, int status, int expected, List<String> wrong) {
        boolean ok = expected == 0 ? status != 401 && status != 403 : status == expected;
        if (!ok) {
            wrong.add(what + ": " + status + (expected == 0 ? " (should be allowed)" : " (expected " + expected + ")"));
        }
    }

    private HttpRequest as(String user, String method, String path, String body) {
        return call(method, path, body).header("Authorization", basic(user, PASSWORDS.get(user))).build();
    }

    private HttpRequest.Builder call(String method, String path) {
        return call(method, path, "{}");
    }

    private HttpRequest.Builder call(String method, String path, String body) {
        HttpRequest.BodyPublisher publisher = method.equals("GET") || method.equals("DELETE")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return request(path).header("Content-Type", "application/json").method(method, publisher);
    }
}
