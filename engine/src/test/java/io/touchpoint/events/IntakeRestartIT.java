package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.touchpoint.TouchpointApplication;
import io.touchpoint.profiles.ProfileService;

/**
 * Kill-and-restart: the engine is stopped while RabbitMQ messages are delivered but not yet acknowledged and
 * right after a REST event was answered 202, then started again on the same H2 file database and queue.
 */
class IntakeRestartIT {

    static final int MESSAGES = 1000;
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String QUEUE = "touchpoint.it.restart." + RUN;

    @TempDir
    Path data;

    @Test
    void eventsAcceptedJustBeforeTheEngineStopsAreProcessedAfterItStartsAgain() throws Exception {
        ConfigurableApplicationContext first = start();
        HttpResponse<String> accepted = postCartAbandoned(first, "c-restart-rest");
        assertThat(accepted.statusCode()).isEqualTo(202);

        RabbitTemplate rabbit = first.getBean(RabbitTemplate.class);
        for (int i = 0; i < MESSAGES; i++) {
            rabbit.convertAndSend("", QUEUE, """
                    {"eventId": "rst-%s-%d", "type": "page_viewed", "customerId": "c-rst-%d"}""".formatted(RUN, i, i));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> recorded(first) >= 20);
        first.close();
        int recordedBeforeTheStop = recordedInTheDatabaseFile();
        assertThat(recordedBeforeTheStop).isLessThan(MESSAGES);

        ConfigurableApplicationContext second = start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> recorded(second) == MESSAGES);
            ProfileService profiles = second.getBean(ProfileService.class);
            for (int i = 0; i < MESSAGES; i += 97) {
                assertThat(profiles.find("c-rst-" + i).orElseThrow().eventCount()).isEqualTo(1);
            }
            assertThat(profiles.find("c-restart-rest")).isPresent();
            assertThat(second.getBean(RuntimeService.class).createProcessInstanceQuery()
                    .processDefinitionKey("abandonedCart").processInstanceBusinessKey("c-restart-rest").count()).isEqualTo(1);
        } finally {
            second.getBean(org.apache.camel.CamelContext.class).getRouteController().stopRoute("events-rabbitmq");
            AmqpAdmin admin = second.getBean(AmqpAdmin.class);
            admin.deleteQueue(QUEUE);
            admin.deleteQueue(QUEUE + ".dead");
            second.close();
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(TouchpointApplication.class).profiles("dev", "test").run(
                "--spring.datasource.url=jdbc:h2:file:" + databaseFile() + ";AUTO_SERVER=FALSE",
                "--server.port=0",
                // not "default": closing these engines must not unregister the engine /engine-rest of other tests uses
                "--camunda.bpm.process-engine-name=restart_" + RUN,
                "--touchpoint.hazelcast.cluster-name=restart-" + RUN,
                "--touchpoint.events.rabbitmq.enabled=true",
                "--touchpoint.events.rabbitmq.queue=" + QUEUE,
                "--touchpoint.events.rabbitmq.dead-letter-queue=" + QUEUE + ".dead");
    }

    private String databaseFile() {
        return data.resolve("touchpoint").toAbsolutePath().toString();
    }

    private static int recorded(ConfigurableApplicationContext engine) {
        return engine.getBean(org.springframework.jdbc.core.JdbcTemplate.class)
                .queryForObject("select count(*) from customer_event where event_id like ?", Integer.class, "rst-" + RUN + "-%");
    }

    private int recordedInTheDatabaseFile() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + databaseFile(), "sa", "");
             ResultSet count = db.createStatement().executeQuery("select count(*) from customer_event where event_id like 'rst-" + RUN + "-%'")) {
            count.next();
            return count.getInt(1);
        }
    }

    private static HttpResponse<String> postCartAbandoned(ConfigurableApplicationContext engine, String customerId) throws Exception {
        int port = engine.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        String credentials = Base64.getEncoder().encodeToString("admin:touchpoint".getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                .header("Authorization", "Basic " + credentials).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"eventId": "rst-rest-%s", "type": "cart_abandoned", "customerId": "%s",
                         "properties": {"items": [{"name": "Linen dress", "quantity": 1, "price": 129.00}], "total": 129.00}}"""
                        .formatted(RUN, customerId)))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
