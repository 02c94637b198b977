package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.touchpoint.TouchpointApplication;

/**
 * The waits in memory across application contexts on one H2 file database: after a restart they are rebuilt from
 * the engine's tables and agree with it; with two members, an event taken in on one member continues the run of a
 * customer whose waits the other member owns, and both members see the same waits.
 */
@Timeout(600)
class RunWaitsClusterIT {

    @TempDir
    Path dataDir;

    @Test
    void afterARestartTheWaitsAreRebuiltFromTheEngineAndAnEventContinuesExactlyThem() {
        String cluster = "waits-restart-" + UUID.randomUUID();
        List<String> customers = List.of("c-" + UUID.randomUUID(), "c-" + UUID.randomUUID(), "c-" + UUID.randomUUID());
        try (ConfigurableApplicationContext first = node("waitsRestartFirst", cluster, freePort(), "")) {
            deploy(first);
            customers.forEach(customer -> assertThat(post(first, "it_rw_started", customer)).isEqualTo(202));
            assertThat(post(first, "it_rw_next", customers.get(2))).isEqualTo(202);
        }

        try (ConfigurableApplicationContext second = node("waitsRestartSecond", cluster + "-again", freePort(), "")) {
            RunWaits waits = second.getBean(RunWaits.class);
            customers.forEach(customer -> assertAgrees(second, customer));
            assertThat(waits.inMemory(customers.get(0)).orElseThrow()).extracting(RunWaits.Wait::eventType)
                    .containsExactlyInAnyOrder("it_rw_next", "it_rw_goal");
            assertThat(waits.inMemory(customers.get(2)).orElseThrow()).extracting(RunWaits.Wait::eventType).containsExactly("it_rw_goal");

            assertThat(post(second, "it_rw_next", customers.get(0))).isEqualTo(202);

            assertThat(waits.inMemory(customers.get(0)).orElseThrow()).extracting(RunWaits.Wait::eventType).containsExactly("it_rw_goal");
            assertThat(waits.inMemory(customers.get(1)).orElseThrow()).extracting(RunWaits.Wait::eventType)
                    .as("the other customer still waits").containsExactlyInAnyOrder("it_rw_next", "it_rw_goal");
            customers.forEach(customer -> assertAgrees(second, customer));
        }
    }

    @Test
    void anEventOnOneMemberContinuesTheRunOfACustomerTheOtherMemberOwns() {
        String cluster = "waits-two-" + UUID.randomUUID();
        int portA = freePort();
        int portB = freePort();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        try (ConfigurableApplicationContext a = node("waitsMemberA", cluster, portA, members);
             ConfigurableApplicationContext b = node("waitsMemberB", cluster, portB, members)) {
            assertThat(a.getBean(HazelcastInstance.class).getCluster().getMembers()).hasSize(2);
            deploy(a);
            String customer = ownedBy(a);
            assertThat(post(a, "it_rw_started", customer)).isEqualTo(202);
            assertAgrees(a, customer);
            assertAgrees(b, customer);

            assertThat(post(b, "it_rw_next", customer)).isEqualTo(202);

            assertThat(b.getBean(RunWaits.class).inMemory(customer).orElseThrow()).extracting(RunWaits.Wait::eventType)
                    .as("member B continued the run").containsExactly("it_rw_goal");
            assertAgrees(a, customer);
            assertAgrees(b, customer);
        }
    }

    private static void assertAgrees(ConfigurableApplicationContext node, String customer) {
        RuntimeService runtime = node.getBean(RuntimeService.class);
        List<String> engine = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).list().stream()
                .flatMap(run -> runtime.createEventSubscriptionQuery().processInstanceId(run.getId()).eventType("message").list().stream())
                .map(s -> s.getExecutionId() + ":" + s.getEventName()).toList();
        assertThat(node.getBean(RunWaits.class).inMemory(customer)).as("memory is trusted for %s", customer).isPresent()
                .get().satisfies(waits -> assertThat(waits.stream().map(w -> w.executionId() + ":" + w.eventType()))
                        .containsExactlyInAnyOrderElementsOf(engine));
    }

    private static String ownedBy(ConfigurableApplicationContext node) {
        HazelcastInstance hazelcast = node.getBean(HazelcastInstance.class);
        while (true) {
            String customer = "c-" + UUID.randomUUID();
            if (hazelcast.getPartitionService().getPartition(customer).getOwner().localMember()) {
                return customer;
            }
        }
    }

    private static void deploy(ConfigurableApplicationContext node) {
        RepositoryService repository = node.getBean(RepositoryService.class);
        if (repository.createProcessDefinitionQuery().processDefinitionKey("runWaits").count() == 0) {
            repository.createDeployment().addString("run-waits.bpmn", RunWaitsIT.journey("runWaits", "it_rw_started", "End")).deploy();
        }
    }

    private ConfigurableApplicationContext node(String engineName, String cluster, int hazelcastPort, String members) {
        return new SpringApplicationBuilder(TouchpointApplication.class).profiles("dev", "test")
                .run("--spring.datasource.url=jdbc:h2:file:" + dataDir.resolve("touchpoint").toAbsolutePath(),
                        "--camunda.bpm.process-engine-name=" + engineName + UUID.randomUUID().toString().replace("-", ""),
                        "--server.port=0", "--touchpoint.hazelcast.cluster-name=" + cluster, "--touchpoint.hazelcast.port=" + hazelcastPort,
                        "--touchpoint.hazelcast.members=" + members);
    }

    private static int post(ConfigurableApplicationContext node, String type, String customer) {
        int port = node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:touchpoint".getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"type": "%s", "customerId": "%s", "properties": {}}""".formatted(type, customer))).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
