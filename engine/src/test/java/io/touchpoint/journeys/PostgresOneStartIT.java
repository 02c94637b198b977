package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.TouchpointApplication;

/**
 * The same-customer race on two engine nodes sharing one PostgreSQL database (database {@code touchpoint_it},
 * or {@code TOUCHPOINT_IT_DB_URL}) and forming one Hazelcast cluster: events of one customer posted at the same
 * moment, half to each node, start one run and are all accepted. Both nodes are Spring contexts of the
 * application started by the test, each with its own engine name, port and Hazelcast member.
 */
@Timeout(900)
class PostgresOneStartIT {

    private static final String DATABASE = System.getenv().getOrDefault("TOUCHPOINT_IT_DB_URL", "jdbc:postgresql://127.0.0.1:5432/touchpoint_it");

    @Test
    void sameCustomerEventsOnTwoNodesAtTheSameMomentStartOneRun() throws Exception {
        String cluster = "race-" + UUID.randomUUID();
        try (ConfigurableApplicationContext first = node("pgRaceFirst", cluster, 16701)) {
            RepositoryService repository = first.getBean(RepositoryService.class);
            if (repository.createProcessDefinitionQuery().processDefinitionKey("raceTwoNodes").count() == 0) {
                repository.createDeployment().addString("race-two-nodes.bpmn", OneStartPerCustomerIT.journey("raceTwoNodes", "it_race_two_nodes", "")).deploy();
            }
            try (ConfigurableApplicationContext second = node("pgRaceSecond", cluster, 16702)) {
                List<Integer> ports = List.of(port(first), port(second));
                String customer = "c-" + UUID.randomUUID();

                List<Integer> answers = OneStartPerCustomerIT.race(i -> post(ports.get(i % 2), """
                        {"eventId": "%s-%d", "type": "it_race_two_nodes", "customerId": "%s", "properties": {}}""".formatted(customer, i, customer)));

                assertThat(answers).as("every event is accepted on both nodes").containsOnly(202);
                assertThat(first.getBean(RuntimeService.class).createProcessInstanceQuery().processDefinitionKey("raceTwoNodes")
                        .processInstanceBusinessKey(customer).count()).isOne();
                JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
                assertThat(jdbc.queryForObject("select count(*) from journey_entry where customer_id = ?", Long.class, customer)).isOne();
                assertThat(jdbc.queryForObject("select count(*) from customer_event where customer_id = ?", Long.class, customer))
                        .isEqualTo(OneStartPerCustomerIT.RACERS);
            }
        }
    }

    /** A node on the postgres and test profiles; command-line arguments, so they win over the profiles' settings. */
    private static ConfigurableApplicationContext node(String engineName, String cluster, int hazelcastPort) {
        return new SpringApplicationBuilder(TouchpointApplication.class).profiles("dev", "test", "postgres")
                .run("--spring.datasource.url=" + DATABASE, "--camunda.bpm.process-engine-name=" + engineName, "--server.port=0",
                        "--touchpoint.hazelcast.cluster-name=" + cluster, "--touchpoint.hazelcast.port=" + hazelcastPort,
                        "--touchpoint.hazelcast.members=127.0.0.1:16701,127.0.0.1:16702");
    }

    private static int port(ConfigurableApplicationContext node) {
        return node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    private static int post(int port, String json) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:touchpoint".getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
