package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.touchpoint.EngineIT;
import io.touchpoint.TouchpointApplication;

/**
 * Readiness follows what the intake needs (database, Hazelcast, rules, event routes): DOWN while they do not answer,
 * UP again once they do; during a start it is never UP while an event would be refused.
 */
class ReadinessIT extends EngineIT {

    @Autowired
    CamelContext camel;

    @Test
    void readinessIsDownWhileTheEventRoutesAreNotStarted() throws Exception {
        assertThat(health("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(health("/actuator/health/liveness").statusCode()).isEqualTo(200);

        camel.getRouteController().stopRoute("events-accept-one");
        try {
            HttpResponse<String> readiness = health("/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).contains("\"status\":\"DOWN\"");
            assertThat(health("/actuator/health").statusCode()).as("the overall health says so too").isEqualTo(503);
            assertThat(health("/actuator/health/liveness").statusCode()).as("the process is alive all the same").isEqualTo(200);
        } finally {
            camel.getRouteController().startRoute("events-accept-one");
        }

        assertThat(health("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(post("/api/events", "{\"type\": \"page_viewed\", \"customerId\": \"c-ready\"}").statusCode()).isEqualTo(202);
    }

    @Test
    void readinessCoversTheDatabaseHazelcastTheRulesAndTheEventRoutes() {
        HttpResponse<String> readiness = health("/actuator/health/readiness");

        assertThat(readiness.body()).contains("\"db\":{\"status\":\"UP\"}", "\"hazelcast\":{\"status\":\"UP\"}",
                "\"rules\":{\"status\":\"UP\"}", "\"eventRoutes\":{\"status\":\"UP\"}", "\"readinessState\":{\"status\":\"UP\"}");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void duringAStartReadinessIsUpOnlyWhenEventsAreTaken() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        CompletableFuture<ConfigurableApplicationContext> starting = CompletableFuture.supplyAsync(() ->
                new SpringApplicationBuilder(TouchpointApplication.class).profiles("dev", "test").run(
                        "--server.port=" + port, "--camunda.bpm.process-engine-name=readiness_" + run.replace("-", ""),
                        "--touchpoint.hazelcast.cluster-name=readiness-" + run, "--touchpoint.hazelcast.port=17801"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<String> earlyReady = new ArrayList<>();
        AtomicInteger readyAnswers = new AtomicInteger();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(starting).as("the second engine starts").isNotCompletedExceptionally();
            int ready = answer(client, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).GET());
            if (ready == 200) {
                int event = answer(client, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                        .header("Authorization", basic(USER, PASSWORD)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"page_viewed\", \"customerId\": \"c-ready-" + run + "\"}")));
                if (event != 202) {
                    earlyReady.add("readiness UP while POST /api/events answered " + event);
                }
                return readyAnswers.incrementAndGet() >= 3;
            }
            return false;
        });
        starting.get(1, TimeUnit.MINUTES).close();
        assertThat(earlyReady).isEmpty();
    }

    /** The status code, or -1 while nothing listens yet. */
    private static int answer(HttpClient client, HttpRequest.Builder request) throws InterruptedException {
        try {
            return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListening) {
            return -1;
        }
    }

    private HttpResponse<String> health(String path) {
        return send(request(path).GET().build());
    }
}
