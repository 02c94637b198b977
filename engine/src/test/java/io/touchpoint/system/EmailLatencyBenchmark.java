package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.touchpoint.events.ApiKeyAuthenticationFilter;
import io.touchpoint.journeys.ModelerBpmn;

/**
 * Event-to-email latency from outside, the way a shop meets it: the packaged engine in a process of its own
 * ({@link PackagedEngine}: production settings, job executor on, a fresh H2 file database), a transactional email
 * journey deployed over {@code /engine-rest/deployment/create} as Camunda Modeler does (message start
 * {@code bench_order} → Send message, email, {@code welcome-1}, transactional), and a GreenMail SMTP server in this JVM.
 * An open-loop generator posts one event per request to {@code POST /api/events} (an API key, a new customer each)
 * at fixed intervals, never waiting for answers: after a warm-up, 200 events/s for 60 s, then 30 s at each rate of a
 * curve (50, 100, 200, 400/s). Latency runs from just before the POST to GreenMail storing the message (its received
 * date), matched by recipient ({@code <customer>@example.com}). Logs per rate: accepted, errors (non-202 answers),
 * emails, p50/p95/p99/max, and where the time went (intake, waiting for the job executor, the send) from the
 * engine's history tables after a graceful stop; and the machine's load average, as other work skews the figures.
 * Asserts only what must hold at any speed: every accepted event's email exactly once, no connection-pool error in
 * the engine's log. Run: {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=EmailLatencyBenchmark}; inside
 * {@code -Dbenchmark.jvmArgs="..."}: {@code -Dbenchmark.seconds=60}, {@code -Dbenchmark.rates=50,100,200,400},
 * {@code -Dbenchmark.curveSeconds=30}, and {@code -Dbenchmark.engineArgs=--key=value,...} to try engine settings.
 */
class EmailLatencyBenchmark {

    private static final Logger log = LoggerFactory.getLogger(EmailLatencyBenchmark.class);
    static final int RATE = 200;
    static final int SECONDS = Integer.getInteger("benchmark.seconds", 60);
    static final int WARM_UP_RATE = 100;
    static final int WARM_UP_SECONDS = 20;
    static final List<Integer> CURVE_RATES = Arrays.stream(System.getProperty("benchmark.rates", "50,100,200,400").split(","))
            .filter(r -> !r.isBlank()).map(r -> Integer.valueOf(r.trim())).toList();
    static final int CURVE_SECONDS = Integer.getInteger("benchmark.curveSeconds", 30);
    static final List<String> ENGINE_ARGS = Arrays.stream(System.getProperty("benchmark.engineArgs", "").split(","))
            .filter(a -> !a.isBlank()).toList();
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    static final List<String> POOL_ERRORS = List.of("Could not open JDBC Connection", "Connection is not available");

    @TempDir
    Path home;

    final GreenMail smtp = new GreenMail(new ServerSetup(PackagedEngine.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final List<Shot> shots = new ArrayList<>();
    PackagedEngine engine;
    String apiKey;
    double loadAtStart;

    @AfterEach
    void stopEverything() {
        if (engine != null) {
            engine.kill();
        }
        smtp.stop();
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void eventToEmailLatencyAtFixedRatesThroughSingleRest() throws Exception {
        smtp.start();
        engine = new PackagedEngine("email-latency", home, smtp.getSmtp().getPort(), "email-latency",
                List.of("-Xmx1g"), ENGINE_ARGS).awaitTakesEvents(Duration.ofMinutes(8));
        apiKey = new ObjectMapper().readTree(engine.post("/api/event-sources/keys", "{\"source\": \"benchmark\"}").body()).get("key").asText();
        HttpResponse<String> deployed = deployJourney();
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);

        loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Result warmUp = run("warm-up", WARM_UP_RATE, WARM_UP_SECONDS);
        log.info("EmailLatencyBenchmark warm-up: {}", warmUp.row());
        Result main = run("main", RATE, SECONDS);
        log.info("EmailLatencyBenchmark {} events/s for {} s: {}", RATE, SECONDS, main.row());
        List<Result> curve = new ArrayList<>();
        for (int rate : CURVE_RATES) {
            Result result = run("r" + rate, rate, CURVE_SECONDS);
            log.info("EmailLatencyBenchmark {} events/s for {} s: {}", rate, CURVE_SECONDS, result.row());
            curve.add(result);
        }

        Map<String, Long> emails = emailsByRecipient().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue().size()));
        Path engineLog = engine.log;
        List<String> poolErrors = Files.readAllLines(engineLog).stream().filter(line -> POOL_ERRORS.stream().anyMatch(line::contains)).toList();
        engine.stop();
        List<Result> all = new ArrayList<>(List.of(main));
        all.addAll(curve);
        String whereTheTimeWent = whereTheTimeWent(all);
        engine = null;

        String table = table(main, curve, whereTheTimeWent);
        Files.writeString(Files.createDirectories(Path.of("target", "email-latency")).resolve("results.md"), table);
        log.info("EmailLatencyBenchmark results (also in target/email-latency/results.md):\n{}", table);

        assertThat(poolErrors).as("connection-pool errors in " + engineLog).isEmpty();
        assertThat(emails).as("nobody got an email twice").allSatisfy((to, count) -> assertThat(count).as(to).isEqualTo(1L));
        assertThat(shots.stream().filter(Shot::accepted).map(Shot::address).filter(a -> !emails.containsKey(a)).toList())
                .as("every accepted event's email went out").isEmpty();
    }

    /** Posts {@code rate} events a second for {@code seconds} without waiting for answers, then waits for their emails. */
    private Result run(String phase, int rate, int seconds) throws Exception {
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
            log.warn("EmailLatencyBenchmark {}: {} of {} emails after {}", phase, smtp.getReceivedMessages().length, acceptedSoFar, DRAIN_TIMEOUT);
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
    private Map<String, List<Long>> emailsByRecipient() {
        Map<String, List<Long>> byRecipient = new HashMap<>();
        for (StoredMessage message : smtp.getManagers().getImapHostManager().getAllMessages()) {
            byRecipient.computeIfAbsent(recipient(message), r -> new ArrayList<>()).add(message.getReceivedDate().getTime());
        }
        return byRecipient;
    }

    private HttpResponse<String> deployJourney() throws IOException {
        String bpmn = ModelerBpmn.saved("""
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
                """);
        String boundary = "----touchpoint" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nbenchmark\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"bench-order-email.bpmn\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + bpmn + "\r\n--" + boundary + "--\r\n";
        return engine.send(engine.request("/engine-rest/deployment/create").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /**
     * For each run's customers, from the stopped engine's H2 files: POST → journey started (the intake's
     * transaction), started → the send step's job began (waiting for the job executor), job began → SMTP received.
     */
    private String whereTheTimeWent(List<Result> results) throws Exception {
        Map<String, long[]> times = new HashMap<>(); // customer → journey started, send job began
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + home.resolve("data/touchpoint"), "sa", "")) {
            try (ResultSet rows = db.createStatement().executeQuery("select p.business_key_, p.start_time_, a.start_time_ from act_hi_procinst p "
                    + "join act_hi_actinst a on a.proc_inst_id_ = p.id_ and a.act_id_ = 'Send_OrderEmail'")) {
                while (rows.next()) {
                    times.put(rows.getString(1), new long[] {rows.getTimestamp(2).getTime(), rows.getTimestamp(3).getTime()});
                }
            }
        }
        StringBuilder table = new StringBuilder("| rate (events/s) | seconds | POST → journey started (intake) | started → send job begins (job executor) "
                + "| job begins → SMTP received (send) |\n| ---: | ---: | ---: | ---: | ---: |\n");
        for (Result result : results) {
            List<Long> intake = new ArrayList<>();
            List<Long> jobWait = new ArrayList<>();
            List<Long> send = new ArrayList<>();
            for (Shot shot : result.posted) {
                Long received = result.received(shot);
                long[] journey = times.get(shot.customer);
                if (received != null && journey != null) {
                    intake.add(journey[0] - shot.postedAt);
                    jobWait.add(journey[1] - journey[0]);
                    send.add(received - journey[1]);
                }
            }
            table.append("| %d | %d | %s | %s | %s |%n".formatted(result.rate, result.seconds, spread(intake), spread(jobWait), spread(send)));
        }
        return table.toString();
    }

    private String table(Result main, List<Result> curve, String whereTheTimeWent) {
        Runtime jvm = Runtime.getRuntime();
        StringBuilder out = new StringBuilder("EmailLatencyBenchmark, " + LocalDate.now() + ", " + jvm.availableProcessors()
                + " cores, packaged engine in its own JVM (-Xmx1g), H2 file database, engine args " + ENGINE_ARGS
                + ", load average %.1f at the start of the load, %.1f at its end\n\n".formatted(loadAtStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        out.append("| rate (events/s) | seconds | offered/s | accepted | accepted/s | errors (non-202) | emails | p50 | p95 | p99 | max | 202 answer p50 / p99 |\n");
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        out.append(main.row()).append('\n');
        curve.forEach(r -> out.append(r.row()).append('\n'));
        out.append("\nWhere the time went (ms, p50 / p99):\n\n").append(whereTheTimeWent);
        return out.toString();
    }

    private static String spread(List<Long> millis) {
        if (millis.isEmpty()) {
            return "–";
        }
        List<Long> sorted = millis.stream().sorted().toList();
        return percentile(sorted, 50) + " / " + percentile(sorted, 99);
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

        String row() {
            List<Shot> accepted = posted.stream().filter(Shot::accepted).toList();
            Map<Integer, Long> errors = posted.stream().filter(s -> !s.accepted())
                    .collect(Collectors.groupingBy(s -> s.status, LinkedHashMap::new, Collectors.counting()));
            List<Long> latencies = accepted.stream().map(s -> {
                Long received = received(s);
                return received == null ? null : received - s.postedAt;
            }).filter(java.util.Objects::nonNull).sorted().toList();
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
