package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.touchpoint.TouchpointApplication;
import io.touchpoint.channels.MessageTemplates;
import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionService;

/**
 * Rules and templates managed over the HTTP API on a cluster of two nodes (two application contexts, one in-memory
 * H2 database, two embedded Hazelcast members that join each other): a change on one node applies on the other, a
 * refused change leaves both running the old version, who may change what, and a node started later (the rule and
 * template folders come from the jar's copy here) runs what was stored. Each test uses files of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RulesAndTemplatesOverTheApiIT {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String OFFER_RULE = """
            package rules

            import io.touchpoint.decisions.Decision
            import io.touchpoint.decisions.DecisionRequest
            import io.touchpoint.decisions.TriggerEvent

            rule "Members of the API test get the %s offer"
                salience 900
            when
                DecisionRequest( decisionName == "api-offer" )
                TriggerEvent( type == "api_test_event" )
                $decision : Decision()
            then
                $decision.offer(drools.getRule().getName(), "%s", "the %s offer");
            end
            """;
    private static final String TEMPLATE = """
            channel: sms
            category: transactional
            example: {shop: Touchpoint}
            text: "%s {{ shop }}"
            """;

    private final String database = "jdbc:h2:mem:rulesapi-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private final String clusterName = "rulesapi-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newHttpClient();
    private int[] hazelcastPorts;
    private ConfigurableApplicationContext nodeA;
    private ConfigurableApplicationContext nodeB;
    private String customer;

    @BeforeAll
    void startTwoNodes() throws IOException {
        hazelcastPorts = new int[] {freePort(), freePort(), freePort()};
        nodeA = start(0);
        nodeB = start(1);
        await().atMost(BOUND).ignoreExceptions().until(() -> nodeA.getBean(HazelcastInstance.class).getCluster().getMembers().size() == 2);
        customer = "c-" + UUID.randomUUID();
        assertThat(post(nodeA, "/api/events", """
                {"type": "profile_updated", "customerId": "%s", "identities": {"email": "ada@example.com"}}
                """.formatted(customer)).statusCode()).isEqualTo(202);
    }

    @AfterAll
    void stopNodes() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void aRuleFilePutOnOneNodeDecidesOnTheOtherAndABrokenOneLeavesBothOnTheOldRules() {
        HttpResponse<String> saved = put(nodeA, "/api/rules/api-offer.drl", "admin", OFFER_RULE.formatted("first", "FIRST", "first"));

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(offerOn(nodeA)).as("the node that took the change decides with it at once").isEqualTo("FIRST");
        await().atMost(BOUND).ignoreExceptions().untilAsserted(() -> assertThat(offerOn(nodeB)).isEqualTo("FIRST"));
        assertThat(get(nodeB, "/api/rules", "viewer").body()).contains("{\"file\":\"api-offer.drl\",\"origin\":\"api\"")
                .contains("{\"file\":\"offer.drl\",\"origin\":\"folder\"");
        assertThat(get(nodeB, "/api/rules/api-offer.drl", "viewer").body()).contains("the first offer");

        HttpResponse<String> broken = put(nodeB, "/api/rules/api-offer.drl", "admin",
                OFFER_RULE.formatted("second", "SECOND", "second").replace("type == \"api_test_event\"", "type == "));

        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).contains("\"file\":\"api-offer.drl\"").contains("\"line\":").contains("\"message\":");
        assertThat(offerOn(nodeB)).isEqualTo("FIRST");
        assertThat(offerOn(nodeA)).isEqualTo("FIRST");
        assertThat(get(nodeA, "/api/rules/api-offer.drl", "viewer").body()).contains("the first offer");

        assertThat(put(nodeB, "/api/rules/api-offer.drl", "admin", OFFER_RULE.formatted("second", "SECOND", "second")).statusCode()).isEqualTo(200);
        await().atMost(BOUND).ignoreExceptions().untilAsserted(() -> assertThat(offerOn(nodeA)).isEqualTo("SECOND"));
    }

    @Test
    void onlyTheCodeRoleChangesDrlAndAMarketersDecisionTableIsCheckedCellByCell() throws IOException {
        String caps = Files.readString(Path.of("../rules/caps.drl.csv"));
        String vipCaps = caps.replace("RuleTable Frequency caps", "RuleTable VIP caps")
                .replaceAll("\"At most (\\d+) marketing messages? in (\\d+) days\",(\\d+),marketing", "\"At most $1 VIP messages in $2 days\",$3,vip")
                .replace("\"At most 1 marketing message a day\",210,marketing", "\"At most 2 VIP messages a day\",211,vip")
                .replace(",1,1\n", ",1,2\n");

        assertThat(put(nodeA, "/api/rules/api-marketer.drl", "marketer", OFFER_RULE.formatted("m", "M", "m")).statusCode()).isEqualTo(403);
        assertThat(send(request(nodeA, "/api/rules/caps.drl.csv", "admin").header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString(caps)).build()).statusCode()).as("a form is no file, and caps stay").isEqualTo(400);
        assertThat(put(nodeA, "/api/rules/not-a-table.drl.xlsx", "marketer", "RuleSet,rules").body()).contains("not a readable decision table");
        assertThat(delete(nodeA, "/api/rules/offer.drl", "marketer").statusCode()).isEqualTo(403);
        assertThat(put(nodeA, "/api/rules/vip-caps.drl.csv", "operator", vipCaps).statusCode()).isEqualTo(403);

        HttpResponse<String> hostileValue = put(nodeA, "/api/rules/vip-caps.drl.csv", "marketer",
                vipCaps.replace(",211,vip,", ",211,\"vip\"\" || java.lang.Runtime.getRuntime().exec(\"\"touch /tmp/owned\"\") != null || \"\"\",").replace("\r", ""));
        HttpResponse<String> hostileSnippet = put(nodeA, "/api/rules/vip-caps.drl.csv", "marketer",
                vipCaps.replace("int days = $param;", "int days = $param; java.lang.System.exit(1);"));
        HttpResponse<String> hostileFunction = put(nodeA, "/api/rules/vip-caps.drl.csv", "marketer",
                vipCaps.replace("Notes,", "Functions,\"function void own() { java.lang.System.exit(1); }\"\nNotes,"));

        assertThat(hostileValue.statusCode()).isEqualTo(400);
        assertThat(hostileValue.body()).contains("cell C10").contains("is not a plain value");
        assertThat(hostileSnippet.statusCode()).isEqualTo(400);
        assertThat(hostileSnippet.body()).contains("only a role trusted with code may change them");
        assertThat(hostileFunction.statusCode()).isEqualTo(400);
        assertThat(hostileFunction.body()).contains("cell A3").contains("'Functions' is not allowed here");
        assertThat(get(nodeB, "/api/rules/vip-caps.drl.csv", "viewer").statusCode()).isEqualTo(404);

        HttpResponse<String> table = put(nodeA, "/api/rules/vip-caps.drl.csv", "marketer", vipCaps);

        assertThat(table.statusCode()).as(table.body()).isEqualTo(200);
        await().atMost(BOUND).ignoreExceptions().untilAsserted(() -> assertThat(get(nodeB, "/api/rules/vip-caps.drl.csv", "viewer").body())
                .contains("At most 2 VIP messages a day"));
        assertThat(delete(nodeB, "/api/rules/vip-caps.drl.csv", "marketer").statusCode()).isEqualTo(200);
        await().atMost(BOUND).ignoreExceptions().untilAsserted(() -> assertThat(get(nodeA, "/api/rules/vip-caps.drl.csv", "viewer").statusCode()).isEqualTo(404));
        assertThat(delete(nodeB, "/api/rules/vip-caps.drl.csv", "marketer").statusCode()).isEqualTo(404);
    }

    @Test
    void aTemplateSavedOnOneNodeIsUsedOnTheOtherAndDeletedEverywhere() {
        HttpResponse<String> saved = put(nodeA, "/api/templates/api-welcome/en", "marketer", TEMPLATE.formatted("Welcome to"));

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(nodeA.getBean(MessageTemplates.class).exists("api-welcome")).isTrue();
        await().atMost(BOUND).ignoreExceptions().untilAsserted(() -> assertThat(textOn(nodeB)).isEqualTo("Welcome to Touchpoint"));

        HttpResponse<String> refused = put(nodeB, "/api/templates/api-welcome/en", "marketer", TEMPLATE.formatted("Hi {{ shpo }} at"));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(textOn(nodeA)).isEqualTo("Welcome to Touchpoint");
        assertThat(textOn(nodeB)).isEqualTo("Welcome to Touchpoint");
        assertThat(put(nodeB, "/api/templates/api-welcome/en", "viewer", TEMPLATE.formatted("Hi")).statusCode()).isEqualTo(403);

        assertThat(put(nodeB, "/api/templates/api-welcome/en", "marketer", TEMPLATE.formatted("Hello from")).statusCode()).isEqualTo(200);
        await().atMost(BOUND).ignoreExceptions().untilAsserted(() -> assertThat(textOn(nodeA)).isEqualTo("Hello from Touchpoint"));

        assertThat(delete(nodeA, "/api/templates/api-welcome/en", "marketer").statusCode()).isEqualTo(204);
        await().atMost(BOUND).ignoreExceptions().until(() -> !nodeB.getBean(MessageTemplates.class).exists("api-welcome"));
        assertThat(get(nodeB, "/api/templates", "viewer").body()).doesNotContain("api-welcome");
        assertThat(delete(nodeB, "/api/templates/api-welcome/en", "marketer").statusCode()).isEqualTo(404);
    }

    @Test
    void aNodeStartedLaterRunsTheStoredRulesAndTemplates() {
        assertThat(put(nodeA, "/api/rules/api-later.drl", "admin", OFFER_RULE.formatted("later", "LATER", "later")
                .replace("api_test_event", "api_later_event")).statusCode()).isEqualTo(200);
        assertThat(put(nodeA, "/api/templates/api-later/en", "marketer", TEMPLATE.formatted("Later at")).statusCode()).isEqualTo(200);
        assertThat(delete(nodeA, "/api/templates/welcome-1/en", "marketer").statusCode()).as("a template shipped in the jar").isEqualTo(204);

        try (ConfigurableApplicationContext later = start(2)) {
            Decision decision = later.getBean(DecisionService.class).decide(DecisionRequest.of("api-offer", customer)
                    .event(Map.of("type", "api_later_event", "properties", Map.of())));
            assertThat(decision.getOfferCode()).as("the stored rule file").isEqualTo("LATER");
            MessageTemplates templates = later.getBean(MessageTemplates.class);
            assertThat(templates.find("api-later", "en").render(Map.of("shop", "Touchpoint")).text()).isEqualTo("Later at Touchpoint");
            assertThat(templates.exists("welcome-1")).as("the stored removal hides the jar's template").isFalse();
        }
    }

    private String offerOn(ConfigurableApplicationContext node) {
        Decision decision = node.getBean(DecisionService.class).decide(DecisionRequest.of("api-offer", customer)
                .event(Map.of("type", "api_test_event", "properties", Map.of())));
        return decision.getOfferCode();
    }

    private static String textOn(ConfigurableApplicationContext node) {
        return node.getBean(MessageTemplates.class).find("api-welcome", "en").render(Map.of("shop", "Touchpoint")).text();
    }

    private ConfigurableApplicationContext start(int node) {
        String members = "127.0.0.1:" + hazelcastPorts[0] + ",127.0.0.1:" + hazelcastPorts[1] + ",127.0.0.1:" + hazelcastPorts[2];
        // arguments, not builder properties: those are defaults that the test profile's settings would override
        return new SpringApplicationBuilder(TouchpointApplication.class)
                .profiles("dev", "test")
                .run("--spring.datasource.url=" + database,
                        "--server.port=0",
                        "--touchpoint.hazelcast.cluster-name=" + clusterName,
                        "--touchpoint.hazelcast.port=" + hazelcastPorts[node],
                        "--touchpoint.hazelcast.members=" + members,
                        // an engine name of its own (no hyphens, Camunda ignores those) for each node
                        "--camunda.bpm.process-engine-name=rulesapi" + UUID.randomUUID().toString().replace("-", ""));
    }

    private HttpResponse<String> get(ConfigurableApplicationContext node, String path, String user) {
        return send(request(node, path, user).GET().build());
    }

    private HttpResponse<String> post(ConfigurableApplicationContext node, String path, String json) {
        return send(request(node, path, "admin").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpResponse<String> put(ConfigurableApplicationContext node, String path, String user, String body) {
        String type = path.startsWith("/api/templates") ? "application/yaml" : "text/plain";
        return send(request(node, path, user).header("Content-Type", type).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> delete(ConfigurableApplicationContext node, String path, String user) {
        return send(request(node, path, user).DELETE().build());
    }

    private static HttpRequest.Builder request(ConfigurableApplicationContext node, String path, String user) {
        String port = node.getEnvironment().getProperty("local.server.port");
        String password = "admin".equals(user) ? "touchpoint" : user;
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
