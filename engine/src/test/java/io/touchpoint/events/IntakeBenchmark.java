package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.camel.CamelContext;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.touchpoint.EngineIT;

/**
 * Events per second through batch REST, single REST and RabbitMQ, for events that only update profiles and for
 * events that start a journey, next to the raw Camunda start rate in the same run on the same H2 file database.
 * The ways are measured in turn, round after round (a first round warms up and is not counted), and the medians of
 * the rounds are reported. Logs its figures; asserts only that every event went in. Run:
 * {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=IntakeBenchmark}; add
 * {@code -Dbenchmark.jvmArgs="-Dbenchmark.database=postgres"} for the local PostgreSQL,
 * {@code -Dbenchmark.jvmArgs="-Dbenchmark.kinds=JOURNEY"} for one kind of event, or {@code -Dbenchmark.rounds=N}
 * inside those jvmArgs for another number of counted rounds (5).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntakeBenchmark extends EngineIT {

    private static final Logger log = LoggerFactory.getLogger(IntakeBenchmark.class);
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String QUEUE = "touchpoint.bench." + RUN;
    static final Path DATA = folder();
    static final int CLIENTS = 2;

    @Autowired
    RuntimeService runtime;
    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    AmqpAdmin rabbitAdmin;
    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ApiKeys apiKeys;

    /** Sources send an API key: HTTP Basic checks a BCrypt hash on every request, which would dominate. */
    private String apiKey;

    /** -Dbenchmark.database=postgres measures on the local PostgreSQL (database touchpoint_bench, made afresh) instead. */
    static final boolean POSTGRES = "postgres".equals(System.getProperty("benchmark.database"));

    @DynamicPropertySource
    static void databaseAndQueueOfThisRun(DynamicPropertyRegistry registry) throws Exception {
        if (POSTGRES) {
            try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                 Statement statement = admin.createStatement()) {
                statement.execute("drop database if exists touchpoint_bench");
                statement.execute("create database touchpoint_bench");
            }
            registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:5432/touchpoint_bench");
            registry.add("spring.datasource.username", () -> "postgres");
            registry.add("touchpoint.profiles.offload-store", () -> "true");
        } else {
            registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + DATA.resolve("touchpoint") + ";${touchpoint.h2-settings}");
        }
        registry.add("camunda.bpm.process-engine-name", () -> "bench_" + RUN);
        registry.add("touchpoint.events.rabbitmq.enabled", () -> "true");
        registry.add("touchpoint.events.rabbitmq.queue", () -> QUEUE);
        registry.add("touchpoint.events.rabbitmq.dead-letter-queue", () -> QUEUE + ".dead");
        registry.add("touchpoint.events.rabbitmq.prefetch", () -> "250");
        registry.add("touchpoint.events.max-in-flight", () -> "256");
    }

    @AfterAll
    void removeQueues() throws Exception {
        camel.getRouteController().stopRoute("events-rabbitmq");
        rabbitAdmin.deleteQueue(QUEUE);
        rabbitAdmin.deleteQueue(QUEUE + ".dead");
        try (java.util.stream.Stream<Path> files = Files.walk(DATA)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void intakeRatesNextToTheRawCamundaStartRate() throws Exception {
        apiKey = apiKeys.issue("benchmark").key();
        // rounds in turn, so that the raw start and the intake meet the same JIT, garbage and database size; the first
        // round warms the JIT up and is not counted; the medians of the rest count
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int round = 0; round <= ROUNDS; round++) {
            Map<String, List<Double>> into = round == 0 ? new LinkedHashMap<>() : rates;
            into.computeIfAbsent(RAW, label -> new ArrayList<>()).add(rawCamundaStarts(2_000, false));
            into.computeIfAbsent(RAW_TRIGGER, label -> new ArrayList<>()).add(rawCamundaStarts(2_000, true));
            if (kinds().contains(Kind.CONTINUE)) {
                into.computeIfAbsent(RAW_CONTINUE, label -> new ArrayList<>()).add(rawCamundaCorrelations(1_000));
            }
            for (Kind kind : kinds()) {
                for (Way way : Way.values()) {
                    into.computeIfAbsent(kind.label + " " + way.label, label -> new ArrayList<>()).add(way.measure(this, kind, way.count(kind)));
                }
            }
        }
        List<String> lines = new ArrayList<>();
        rates.forEach((label, runs) -> lines.add(figure(String.format("%-28s %8.0f /s  (median of %s)", label, median(runs),
                runs.stream().map(rate -> String.format("%.0f", rate)).collect(Collectors.joining(", "))))));
        double raw = median(rates.get(RAW));
        double rawWithTrigger = median(rates.get(RAW_TRIGGER));
        if (kinds().contains(Kind.JOURNEY)) {
            double[] journey = Arrays.stream(Way.values()).mapToDouble(way -> median(rates.get(Kind.JOURNEY.label + " " + way.label))).toArray();
            lines.add(String.format("journey-start / raw Camunda: batch %.2f, single %.2f, RabbitMQ %.2f (aim 0.7)", journey[0] / raw, journey[1] / raw, journey[2] / raw));
            lines.add(String.format("journey-start / raw with the trigger: batch %.2f, single %.2f, RabbitMQ %.2f",
                    journey[0] / rawWithTrigger, journey[1] / rawWithTrigger, journey[2] / rawWithTrigger));
            // each round's intake rate over the raw rate of the same round: the JIT and the database drift between rounds
            double[] paired = Arrays.stream(Way.values()).mapToDouble(way -> median(IntStream.range(0, ROUNDS)
                    .mapToObj(round -> rates.get(Kind.JOURNEY.label + " " + way.label).get(round) / rates.get(RAW).get(round)).toList())).toArray();
            lines.add(String.format("journey-start / raw Camunda of the same round, median: batch %.2f, single %.2f, RabbitMQ %.2f", paired[0], paired[1], paired[2]));
        }
        if (kinds().contains(Kind.CONTINUE)) {
            double rawContinue = median(rates.get(RAW_CONTINUE));
            double[] continued = Arrays.stream(Way.values()).mapToDouble(way -> median(rates.get(Kind.CONTINUE.label + " " + way.label))).toArray();
            lines.add(String.format("journey-continue / raw Camunda correlation: batch %.2f, single %.2f, RabbitMQ %.2f (aim 1.5)",
                    continued[0] / rawContinue, continued[1] / rawContinue, continued[2] / rawContinue));
        }
        Runtime jvm = Runtime.getRuntime();
        lines.add(String.format("heap used %d MB of %d MB", (jvm.totalMemory() - jvm.freeMemory()) >> 20, jvm.maxMemory() >> 20));
        log.info("IntakeBenchmark ({} cores, {}, {} HTTP clients, {} rounds):\n  {}", jvm.availableProcessors(), POSTGRES ? "PostgreSQL" : "H2 file database",
                CLIENTS, ROUNDS, String.join("\n  ", lines));
    }

    static final int ROUNDS = Integer.getInteger("benchmark.rounds", 5);
    static final String RAW = "raw Camunda message start";
    static final String RAW_TRIGGER = "raw, with the trigger";
    static final String RAW_CONTINUE = "raw Camunda correlation";

    /** The ways in, and how many events a measured run of each sends. */
    enum Way {
        BATCH("batch REST", 20_000), SINGLE("single REST", 2_000), RABBITMQ("RabbitMQ", 4_000);

        final String label;
        final int profileOnlyCount;

        Way(String label, int profileOnlyCount) {
            this.label = label;
            this.profileOnlyCount = profileOnlyCount;
        }

        int count(Kind kind) {
            return kind == Kind.PROFILE_ONLY ? profileOnlyCount : profileOnlyCount / 4;
        }

        double measure(IntakeBenchmark bench, Kind kind, int count) throws Exception {
            return switch (this) {
                case BATCH -> bench.batchRest(kind, count, kind == Kind.CONTINUE ? 100 : 500); // a continue batch of 500 outlasted the 30 s request timeout on a loaded machine
                case SINGLE -> bench.singleRest(kind, count);
                case RABBITMQ -> bench.rabbitMq(kind, count);
            };
        }
    }

    private static double median(List<Double> runs) {
        List<Double> sorted = runs.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** -Dbenchmark.kinds=JOURNEY (or PROFILE_ONLY) measures one kind only. */
    private static List<Kind> kinds() {
        String only = System.getProperty("benchmark.kinds", "");
        return only.isBlank() ? List.of(Kind.values()) : Arrays.stream(only.split(",")).map(String::trim).map(Kind::valueOf).toList();
    }

    private static String figure(String line) {
        log.info("IntakeBenchmark figure: {}", line);
        return line;
    }

    private java.net.http.HttpResponse<String> postWithKey(String path, String json) {
        return send(request(path).header(ApiKeyAuthenticationFilter.HEADER, apiKey).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** CONTINUE: order_placed for customers whose abandoned-cart run waits for it (started before the clock runs). */
    enum Kind {
        PROFILE_ONLY("profile-only", "page_viewed"), JOURNEY("journey-start", "cart_abandoned"), CONTINUE("journey-continue", "order_placed");

        final String label;
        final String type;

        Kind(String label, String type) {
            this.label = label;
            this.type = type;
        }

        String event(String prefix, int i) {
            return event(prefix, prefix, i);
        }

        /** An event with the id {@code idPrefix-i} for the customer {@code customerPrefix-ci}. */
        String event(String idPrefix, String customerPrefix, int i) {
            String properties = switch (this) {
                case JOURNEY -> "{\"items\": [{\"name\": \"Linen dress\", \"quantity\": 1, \"price\": 129.00}], \"total\": 129.00}";
                case CONTINUE -> "{\"orderId\": \"o-" + i + "\"}";
                case PROFILE_ONLY -> "{\"traits\": {\"lastPage\": \"/p/" + i + "\"}}";
            };
            return "{\"eventId\": \"%s-%d\", \"type\": \"%s\", \"customerId\": \"%s-c%d\", \"properties\": %s}"
                    .formatted(idPrefix, i, type, customerPrefix, i, properties);
        }
    }

    /** For CONTINUE: the customers' abandoned-cart runs, started through batch REST before the measured run. */
    private void prepare(Kind kind, String prefix, int count) throws Exception {
        if (kind != Kind.CONTINUE) {
            return;
        }
        inParallel(count / 500, b -> () -> {
            String body = IntStream.range(b * 500, (b + 1) * 500).mapToObj(i -> Kind.JOURNEY.event("start-" + prefix, prefix, i))
                    .collect(Collectors.joining(",", "[", "]"));
            assertThat(postWithKey("/api/events/batch", body).statusCode()).isEqualTo(202);
        });
    }

    /** Correlations of order_placed by business key to waiting abandoned-cart runs (started raw first), from 2 threads. */
    private double rawCamundaCorrelations(int count) throws Exception {
        String prefix = "rawc-" + UUID.randomUUID();
        inParallel(count, i -> () -> runtime.createMessageCorrelation("cart_abandoned").processInstanceBusinessKey(prefix + "-" + i)
                .setVariable("customerId", prefix + "-" + i).correlateStartMessage());
        return timed(count, () -> inParallel(count, i -> () -> runtime.createMessageCorrelation("order_placed")
                .processInstanceBusinessKey(prefix + "-" + i).correlateWithResult()));
    }

    /**
     * Message starts of the abandoned-cart journey from 2 threads, each its own transaction. With the trigger, each
     * also carries the event as the JSON object variable "trigger", as the intake's start does.
     */
    private double rawCamundaStarts(int count, boolean withTrigger) throws Exception {
        String prefix = "raw-" + UUID.randomUUID();
        Map<String, Object> event = Map.of("type", "cart_abandoned", "properties",
                Map.of("items", List.of(Map.of("name", "Linen dress", "quantity", 1, "price", 129.00)), "total", 129.00));
        return timed(count, () -> inParallel(count, i -> () -> {
            var start = runtime.createMessageCorrelation("cart_abandoned")
                    .processInstanceBusinessKey(prefix + "-" + i).setVariable("customerId", prefix + "-" + i);
            if (withTrigger) {
                start.setVariable("trigger", Variables.objectValue(event).serializationDataFormat(Variables.SerializationDataFormats.JSON).create());
            }
            start.correlateStartMessage();
        }));
    }

    private double batchRest(Kind kind, int count, int batchSize) throws Exception {
        String prefix = "bb-" + UUID.randomUUID();
        int batches = count / batchSize;
        prepare(kind, prefix, count);
        return timed(count, () -> inParallel(batches, b -> () -> {
            String body = IntStream.range(b * batchSize, (b + 1) * batchSize).mapToObj(i -> kind.event(prefix, i))
                    .collect(Collectors.joining(",", "[", "]"));
            assertThat(postWithKey("/api/events/batch", body).statusCode()).isEqualTo(202);
        }), prefix, count);
    }

    private double singleRest(Kind kind, int count) throws Exception {
        String prefix = "bs-" + UUID.randomUUID();
        prepare(kind, prefix, count);
        return timed(count, () -> inParallel(count, i -> () -> assertThat(postWithKey("/api/events", kind.event(prefix, i)).statusCode()).isEqualTo(202)),
                prefix, count);
    }

    private double rabbitMq(Kind kind, int count) throws Exception {
        String prefix = "br-" + UUID.randomUUID();
        prepare(kind, prefix, count);
        camel.getRouteController().stopRoute("events-rabbitmq");
        for (int i = 0; i < count; i++) {
            rabbit.convertAndSend("", QUEUE, kind.event(prefix, i));
        }
        return timed(count, () -> {
            camel.getRouteController().startRoute("events-rabbitmq");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> recorded(prefix) == count);
        });
    }

    private interface Work {
        void run() throws Exception;
    }

    private double timed(int count, Work work, String prefix, int expected) throws Exception {
        double rate = timed(count, work);
        assertThat(recorded(prefix)).isEqualTo(expected);
        return rate;
    }

    private static double timed(int count, Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private int recorded(String prefix) {
        return jdbc.queryForObject("select count(*) from customer_event where event_id like ?", Integer.class, prefix + "-%");
    }

    private static void inParallel(int tasks, IntFunction<Work> task) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                Work work = task.apply(i);
                results.add(clients.submit(() -> {
                    work.run();
                    return null;
                }));
            }
            for (Future<Object> result : results) {
                result.get();
            }
        } finally {
            clients.shutdown();
        }
    }

    private static Path folder() {
        try {
            return Files.createTempDirectory("touchpoint-bench-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
