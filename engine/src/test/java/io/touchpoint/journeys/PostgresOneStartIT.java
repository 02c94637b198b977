package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.PostgresTest;
import io.touchpoint.TouchpointApplication;

/**
 * The same-customer race on two engine nodes sharing one PostgreSQL database: events of one customer posted
 * at the same moment, half to each node, start one run and are all accepted. The second node is a second Spring
 * context of the application started by the test (its own engine name, Hazelcast member and port; command-line
 * arguments, so they win over the profiles' settings).
 */
@PostgresTest
@Timeout(600)
class PostgresOneStartIT extends JourneyIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    RepositoryService repository;
    @Autowired
    JdbcTemplate jdbc;
    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Test
    void sameCustomerEventsOnTwoNodesAtTheSameMomentStartOneRun() throws Exception {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("raceTwoNodes").count() == 0) {
            repository.createDeployment().addString("race-two-nodes.bpmn", OneStartPerCustomerIT.journey("raceTwoNodes", "it_race_two_nodes", "")).deploy();
        }
        try (ConfigurableApplicationContext second = new SpringApplicationBuilder(TouchpointApplication.class).profiles("test", "postgres")
                .run("--spring.datasource.url=" + databaseUrl, "--camunda.bpm.process-engine-name=postgresItSecond", "--server.port=0",
                        "--touchpoint.hazelcast.port=15801", "--spring.mail.port=" + SMTP.getSmtp().getPort())) {
            int secondPort = second.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            String customer = customer();

            List<Integer> answers = OneStartPerCustomerIT.race(i -> postTo(i % 2 == 0 ? port : secondPort, """
                    {"eventId": "%s-%d", "type": "it_race_two_nodes", "customerId": "%s", "properties": {}}""".formatted(customer, i, customer)));

            assertThat(answers).as("every event is accepted on both nodes").containsOnly(202);
            assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("raceTwoNodes").processInstanceBusinessKey(customer).count()).isOne();
            assertThat(jdbc.queryForObject("select count(*) from journey_entry where customer_id = ?", Long.class, customer)).isOne();
            assertThat(jdbc.queryForObject("select count(*) from customer_event where customer_id = ?", Long.class, customer)).isEqualTo(OneStartPerCustomerIT.RACERS);
        }
    }

    private int postTo(int nodePort, String json) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodePort + "/api/events"))
                    .header("Authorization", basic(USER, PASSWORD)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
