package io.touchpoint.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.touchpoint.events.ApiKeyAuthenticationFilter;
import io.touchpoint.journeys.ModelerBpmn;

/**
 * Event-to-email load on a {@link PackagedEngine}, shared by {@link EmailLatencyBenchmark} and
 * {@link OutsideBenchmark}: deploys a transactional email journey over {@code /engine-rest} as Camunda Modeler does
 * (message start {@code bench_order} → Send message, email, {@code welcome-1}, transactional) and posts one event per
 * {@code POST /api/events} (an API key, a new customer each) open-loop, at fixed intervals without waiting for
 * answers. Latency runs from just before the POST to the GreenMail server (in this JVM) storing the message, matched by
 * recipient ({@code <customer>@example.com}).
 */
final class EmailLoad {

    private static final Logger log = LoggerFactory.getLogger(EmailLoad.class);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    static final List<String> POOL_ERRORS = List.of("Could not open JDBC Connection", "Connection is not available");

    final PackagedEngine engine;
    final GreenMail smtp;
    final String apiKey;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final List<Shot> shots = new ArrayList<>();

    EmailLoad(PackagedEngine engine, GreenMail smtp, String apiKey) {
        // GreenMail logs a line for every new recipient at INFO: thousands a minute, on the cores the engine needs
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("com.icegreen.greenmail")).setLevel(ch.qos.logback.classic.Level.WARN);
        this.engine = engine;
        this.smtp = smtp;
        this.apiKey = apiKey;
    }

    /** Deploys the email journey; fails unless the engine took it. */
    EmailLoad deployJourney() throws IOException {
        HttpResponse<String> deployed = engine.deploy("bench-order-email.bpmn", ModelerBpmn.saved("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_BenchOrder" targetNamespace="https://touchpoint.io/journeys/benchmark">
                  <bpmn:message id="Message_BenchOrder" name="bench_order" />
                  <bpmn:process id="benchOrderEmail" name="Benchmark: order email" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:extensionElements><camunda:properties><camunda:property name="category" value="transactional" /></camunda:properties></bpmn:extensionElements>
                    <bpmn:startEvent id="Start_BenchOrder" name="Order"><bpmn:messageEventDefinition messageRef="Message_BenchOrder" /></bpmn:startEvent>
                    <bpmn:serviceTask id="Send_OrderEmail" name="Email: order" camunda:asyncBefore="true" camunda:delegateExpression="${sendMessageDelegate}">
                      <bpmn:extensionElements>
                        <camunda:inputOutput>
                          <camunda:inputParameter name="channel">email</camunda:inputParameter>
                          <camunda:inputParameter name="template">welcome-1</camunda:inputParameter>
                          <camunda:inputParameter name="category">transactional</camunda:inputParameter>
                        </camunda:inputOutput>
                      </bpmn:extensionElements>
                    </bpmn:serviceTask>
                    <bpmn:endEvent id="End_Emailed" name="Emailed" />
                    <bpmn:sequenceFlow id="Flow_ToEmail" sourceRef="Start_BenchOrder" targetRef="Send_OrderEmail" />
                    <bpmn:sequenceFlow id="Flow_ToEnd" sourceRef="Send_OrderEmail" targetRef="End_Emailed" />
                  </bpmn:process>
                </bpmn:definitions>
                """));
        if (deployed.statusCode() != 200) {
            throw new AssertionError("the email journey was not deployed: " + deployed.statusCode() + " " + deployed.body());
        }
        return this;
    }

    /** Posts {@code rate} events a second for {@code seconds} without waiting for answers, then waits for their emails. */
    Result run(String phase, int rate, int seconds) throws Exception {
        int count = rate * seconds;
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        List<Shot> posted = new ArrayList<>(count);
        List<CompletableFuture<?>> answers = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + i * interval;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            Shot shot = new Shot("c-" + phase + "-" + i);
            shot.postedAt = System.currentTimeMillis();
            answers.add(http.sendAsync(event(shot), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((answer, failure) -> shot.answered(answer == null ? -1 : answer.statusCode())));
            posted.add(shot);
        }
        double offered = count / ((System.nanoTime() - start) / 1e9);
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                .get(ANSWER_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
        shots.addAll(posted);
        long acceptedSoFar = shots.stream().filter(Shot::accepted).count();
        try {
            await().atMost(DRAIN_TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> smtp.getReceivedMessages().length >= acceptedSoFar);
        } catch (org.awaitility.core.ConditionTimeoutException stillMissing) {
            log.warn("email load {}: {} of {} emails after {}", phase, smtp.getReceivedMessages().length, acceptedSoFar, DRAIN_TIMEOUT);
        }
        return new Result(phase, rate, seconds, offered, posted, emailsByRecipient());
    }

    private HttpRequest event(Shot shot) {
        String json = """
                {"eventId": "bench-%s", "type": "bench_order", "customerId": "%s", "identities": {"email": "%s"},
                 "properties": {"orderId": "o-%s"}}""".formatted(shot.customer, shot.customer, shot.address(), shot.customer);
        return HttpRequest.newBuilder(engine.uri("/api/events")).timeout(ANSWER_TIMEOUT)
                .header(ApiKeyAuthenticationFilter.HEADER, apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** Every stored message's received time (GreenMail's clock, when the SMTP DATA was stored), by recipient. */
    Map<String, List<Long>> emailsByRecipient() {
        Map<String, List<Long>> byRecipient = new HashMap<>();
        for (StoredMessage message : smtp.getManagers().getImapHostManager().getAllMessages()) {
            byRecipient.computeIfAbsent(recipient(message), r -> new ArrayList<>()).add(message.getReceivedDate().getTime());
        }
        return byRecipient;
    }

    /** What must hold at any speed: every accepted event's email exactly once, no connection-pool error in the engine's log. */
    List<String> broken() throws IOException {
        List<String> broken = new ArrayList<>();
        Files.readAllLines(engine.log).stream().filter(line -> POOL_ERRORS.stream().anyMatch(line::contains))
                .forEach(line -> broken.add("connection-pool error in " + engine.log + ": " + line));
        Map<String, List<Long>> emails = emailsByRecipient();
        emails.forEach((to, times) -> {
            if (times.size() != 1) {
                broken.add(to + " got " + times.size() + " emails");
            }
        });
        shots.stream().filter(Shot::accepted).map(Shot::address).filter(a -> !emails.containsKey(a))
                .forEach(a -> broken.add("no email to " + a + ", whose event was accepted"));
        return broken;
    }

    static long percentile(List<Long> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1));
    }

    private static String recipient(StoredMessage message) {
        try {
            return message.getMimeMessage().getRecipients(Message.RecipientType.TO)[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One event posted: its customer, when it was posted (wall clock, ms) and the status of its answer (-1: none). */
    static final class Shot {
        final String customer;
        volatile long postedAt;
        volatile int status;
        volatile long answeredAt;

        Shot(String customer) {
            this.customer = customer;
        }

        void answered(int statusCode) {
            answeredAt = System.currentTimeMillis();
            status = statusCode;
        }

        boolean accepted() {
            return status == 202;
        }

        String address() {
            return customer + "@example.com";
        }
    }

    /** One rate's figures. */
    record Result(String phase, int rate, int seconds, double offered, List<Shot> posted, Map<String, List<Long>> emails) {

        Long received(Shot shot) {
            List<Long> times = emails.get(shot.address());
            return times == null ? null : times.get(0);
        }

        List<Shot> accepted() {
            return posted.stream().filter(Shot::accepted).toList();
        }

        /** Event-to-SMTP latencies of the accepted events whose email arrived, in ms, sorted. */
        List<Long> latencies() {
            return accepted().stream().map(s -> {
                Long received = received(s);
                return received == null ? null : received - s.postedAt;
            }).filter(java.util.Objects::nonNull).sorted().toList();
        }

        long errors() {
            return posted.size() - accepted().size();
        }

        String row() {
            List<Shot> accepted = accepted();
            Map<Integer, Long> errors = posted.stream().filter(s -> !s.accepted())
                    .collect(Collectors.groupingBy(s -> s.status, LinkedHashMap::new, Collectors.counting()));
            List<Long> latencies = latencies();
            List<Long> answers = accepted.stream().map(s -> s.answeredAt - s.postedAt).sorted().toList();
            String latency = latencies.isEmpty() ? "– | – | – | –" : "%d ms | %d ms | %d ms | %d ms".formatted(percentile(latencies, 50),
                    percentile(latencies, 95), percentile(latencies, 99), latencies.get(latencies.size() - 1));
            return "| %d | %d | %.0f | %d | %.0f | %s | %d | %s | %s |".formatted(rate, seconds, offered, accepted.size(), (double) accepted.size() / seconds,
                    errors.isEmpty() ? "0" : errors.values().stream().mapToLong(Long::longValue).sum() + " " + errors.keySet().stream()
                            .map(s -> s == -1 ? "no answer" : String.valueOf(s)).collect(Collectors.joining(", ", "(", ")")),
                    latencies.size(), latency, answers.isEmpty() ? "–" : percentile(answers, 50) + " / " + percentile(answers, 99) + " ms");
        }
    }
}
