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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.touchpoint.events.ApiKeyAuthenticationFilter;
import io.touchpoint.journeys.ModelerBpmn;

/**
 * Touchpoint next to the raw Camunda engine, measured from outside in one run (README "Tests", docs/benchmarks.md
 * "From outside"). The packaged jar runs in a process of its own ({@link PackagedEngine}: production settings, job
 * executor on) on a fresh database; three small journeys are deployed over {@code /engine-rest} as Camunda Modeler
 * does: {@code bench_start} starts one that ends at once, {@code bench_wait} starts one that waits at a message catch
 * for {@code bench_next}, {@code bench_timer} starts one that waits at a timer. Events go in through
 * {@code POST /api/events/batch} from 2 clients in batches of 500, with an API key. The raw engine ({@link RawCamunda})
 * runs in this JVM on a database of its own, with the same three journeys: start by message, correlate by business
 * key, each call its own transaction, from 2 threads. Everything is measured once unmeasured (the warm-up) first.
 * <p>
 * Timers: the timer's job definition is suspended before its journeys start, so that every timer job is created
 * suspended; then it is activated with its jobs, and the rate is how fast the waiting jobs drain, from the first one
 * the job executor took to the last (the idle job acquisition's own wait before the first is not counted). Emails:
 * the {@link EmailLoad}, one event per {@code POST /api/events} open-loop at each rate, event-to-SMTP latency.
 * <p>
 * Writes the table (work | Touchpoint | raw engine | ratio | aim), with the machine, the JDK, the date and the sizes,
 * into docs/benchmarks.md between its markers and into {@code target/outside-benchmark/results.md}, and logs where.
 * Asserts only what must hold at any speed: every event answered 202, every continue and timer ran, every accepted
 * event's email went out once, no connection-pool error.
 * <p>
 * Run: {@code ./mvnw -B -Pbenchmark -pl engine -am verify -Dit.test=OutsideBenchmark}. Sizes (system properties on the
 * same command line): {@code -Dbenchmark.warmUp=5000}, {@code -Dbenchmark.starts=20000},
 * {@code -Dbenchmark.continues=10000}, {@code -Dbenchmark.nothing=40000}, {@code -Dbenchmark.timers=10000},
 * {@code -Dbenchmark.emailRates=50,100,200}, {@code -Dbenchmark.emailSeconds=20}; opt-in scale curve:
 * {@code -Dbenchmark.waiting=100000,1000000} (starts and continues again once that many journeys wait);
 * {@code -Dbenchmark.dueWaiting=1000000} (timer lateness, last: that many journeys wait at a timer due tomorrow while
 * others fall due at {@code -Dbenchmark.dueRate=100} a second for {@code -Dbenchmark.dueSeconds=60});
 * {@code -Dbenchmark.database=postgres} (the local PostgreSQL, databases {@code touchpoint_outside} and
 * {@code touchpoint_outside_raw} made afresh); {@code -Dbenchmark.engineArgs=--key=value,...} to try engine settings;
 * {@code -Dbenchmark.engineJvmArgs=-Xmx2g,...} the engine JVM's options (a flight recording, for one:
 * {@code -XX:StartFlightRecording=filename=/tmp/engine.jfr,settings=profile}, dumped before the engine is killed).
 */
class OutsideBenchmark {

    private static final Logger log = LoggerFactory.getLogger(OutsideBenchmark.class);

    static final int WARM_UP = Integer.getInteger("benchmark.warmUp", 5_000);
    static final int STARTS = Integer.getInteger("benchmark.starts", 20_000);
    static final int CONTINUES = Integer.getInteger("benchmark.continues", 10_000);
    static final int NOTHING = Integer.getInteger("benchmark.nothing", 40_000);
    static final int TIMERS = Integer.getInteger("benchmark.timers", 10_000);
    static final List<Integer> EMAIL_RATES = numbers(System.getProperty("benchmark.emailRates", "50,100,200"));
    static final int EMAIL_SECONDS = Integer.getInteger("benchmark.emailSeconds", 20);
    static final List<Integer> WAITING = numbers(System.getProperty("benchmark.waiting", ""));
    static final int PROFILES = Integer.getInteger("benchmark.profiles", 0);
    /** Opt-in: journeys waiting at a timer due tomorrow, planted before timers fall due at {@link #DUE_RATE} (the lateness phase). */
    static final int DUE_WAITING = Integer.getInteger("benchmark.dueWaiting", 0);
    static final int DUE_RATE = Integer.getInteger("benchmark.dueRate", 100);
    static final int DUE_SECONDS = Integer.getInteger("benchmark.dueSeconds", 60);
    static final boolean POSTGRES = "postgres".equals(System.getProperty("benchmark.database"));
    static final List<String> ENGINE_JVM_ARGS = Arrays.stream(System.getProperty("benchmark.engineJvmArgs", "-Xmx2g").split(",(?=-)"))
            .filter(a -> !a.isBlank()).toList();
    static final List<String> ENGINE_ARGS = Arrays.stream(System.getProperty("benchmark.engineArgs", "").split(","))
            .filter(a -> !a.isBlank()).toList();
    static final Path DOCS = Path.of(System.getProperty("benchmark.docs", "../docs/benchmarks.md")).toAbsolutePath().normalize();
    static final Path RESULTS = Path.of("target", "outside-benchmark", "results.md").toAbsolutePath();
    static final String BEGIN = "<!-- OutsideBenchmark:begin (written by the benchmark; the text outside the markers is kept) -->";
    static final String END = "<!-- OutsideBenchmark:end -->";
    static final int CLIENTS = 2;
    static final int BATCH = 500;
    static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/";

    static {
        // without a configuration of its own, logback logs everything, the raw engine's SQL included
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.camunda")).setLevel(Level.WARN);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("com.icegreen")).setLevel(Level.WARN);
    }

    @TempDir
    Path home;

    final GreenMail smtp = new GreenMail(new ServerSetup(PackagedEngine.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final List<String> rows = new ArrayList<>();
    PackagedEngine touchpoint;
    RawCamunda raw;
    String apiKey;
    String timerJobs;
    String rawTimerJobs;
    int planted;
    int continued;
    int batchesSent;
    /** Batches answered 503 (busy) and sent again, so far. */
    final AtomicInteger retried = new AtomicInteger();

    @AfterEach
    void stopEverything() throws Exception {
        if (touchpoint != null) {
            for (String option : ENGINE_JVM_ARGS) { // a flight recording is written before the engine is killed
                java.util.regex.Matcher recording = java.util.regex.Pattern.compile("StartFlightRecording.*filename=([^,]+)").matcher(option);
                if (recording.find() && touchpoint.process.isAlive()) {
                    log.info("Flight recording of the engine: {}", jcmd("JFR.dump filename=" + recording.group(1)).trim());
                }
            }
            touchpoint.kill();
        }
        if (raw != null) {
            raw.close();
        }
        smtp.stop();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.HOURS)
    void touchpointNextToTheRawEngine() throws Exception {
        Instant began = Instant.now();
        double loadBefore = loadAverage();
        startBoth();

        log.info("OutsideBenchmark: warm-up ({} events of each kind, unmeasured)", WARM_UP);
        starts(WARM_UP);
        continues(WARM_UP / 2, "warm-up");
        touchpointBatches("bench_nothing", "n", WARM_UP);
        timers(Math.min(TIMERS, 1_000));
        retried.set(0);

        long[][] beforeStarts = databaseWork();
        double[] start = starts(STARTS);
        databaseWorkRow("journey-starting event", beforeStarts, STARTS);
        row("events that start a journey", rate(start[0]), rate(start[1]), ratio(start), "≥ 0.7", atLeast(start, 0.7));
        long[][] beforeContinues = databaseWork();
        double[] next = continues(CONTINUES, "main");
        databaseWorkRow("journey planted and continued (two events)", beforeContinues, CONTINUES);
        row("events that continue a waiting journey (message catch)", rate(next[0]), rate(next[1]), ratio(next), "≥ 1.5", atLeast(next, 1.5));
        double[] timer = timers(TIMERS);
        row(String.format("%,d timers falling due at once", TIMERS), jobs(timer[0], TIMERS), jobs(timer[1], TIMERS), ratio(timer), "≥ 0.9",
                atLeast(timer, 0.9));
        long[][] beforeNothing = databaseWork();
        double nothing = touchpointBatches("bench_nothing", "n", NOTHING);
        databaseWorkRow("event that starts or continues nothing", beforeNothing, NOTHING);
        row("events that start or continue nothing", rate(nothing), "—", "—", "≥ 10,000/s", nothing >= 10_000);
        for (int level : WAITING) {
            long sizeBefore = databaseBytes();
            int plantedBefore = planted;
            plant(level - (planted - continued));
            if (planted > plantedBefore) {
                row(String.format("database size per waiting journey (%,d planted)", planted - plantedBefore),
                        String.format("%,d bytes", (databaseBytes() - sizeBefore) / (planted - plantedBefore)), "—", "—", "(the capacity model)", null);
            }
            double[] startAt = starts(STARTS);
            row(String.format("events that start a journey, %,d journeys waiting", level), rate(startAt[0]), rate(startAt[1]), ratio(startAt), "≥ 0.7",
                    atLeast(startAt, 0.7));
            double[] nextAt = continues(Math.min(CONTINUES, level), "at " + level);
            row(String.format("events that continue a waiting journey, %,d journeys waiting", level), rate(nextAt[0]), rate(nextAt[1]), ratio(nextAt),
                    "≥ 1.5", atLeast(nextAt, 1.5));
        }
        if (PROFILES > 0) {
            double written = touchpointBatches("bench_profile", "p", PROFILES);
            long heap = heapUsedAfterFullGc();
            row(String.format("heap after a full GC with %,d more profiles stored (cache: %,d)", PROFILES, PROFILE_CACHE),
                    String.format("%,d MB (the profiles went in at %s)", heap >> 20, rate(written)), "—", "—", "≤ 2 GB", heap <= 2L << 30);
        }
        EmailLoad emails = new EmailLoad(touchpoint, smtp, apiKey).deployJourney();
        if (!EMAIL_RATES.isEmpty()) { // -Dbenchmark.emailRates= (empty) leaves the email curve out
            emails.run("warm-up", EMAIL_RATES.get(0), Math.min(10, EMAIL_SECONDS));
        }
        List<EmailLoad.Result> curve = new ArrayList<>();
        for (int rate : EMAIL_RATES) {
            EmailLoad.Result result = emails.run("r" + rate, rate, EMAIL_SECONDS);
            log.info("OutsideBenchmark email latency at {} events/s: {}", rate, result.row());
            curve.add(result);
            List<Long> latencies = result.latencies();
            boolean every = result.errors() == 0 && latencies.size() == result.posted().size();
            String cell = latencies.isEmpty() ? "no email" : "p50 %,d ms, p99 %,d ms (%,d of %,d accepted%s)".formatted(EmailLoad.percentile(latencies, 50),
                    EmailLoad.percentile(latencies, 99), result.accepted().size(), result.posted().size(),
                    result.errors() == 0 ? "" : ", the rest refused: 503 or no answer");
            row("email latency at %d events/s through single `POST /api/events` (event → SMTP)".formatted(rate), cell, "—", "—",
                    rate == 200 ? "every email, p99 < 100 ms" : "(the curve)",
                    rate == 200 ? every && !latencies.isEmpty() && EmailLoad.percentile(latencies, 99) < 100 : null);
        }
        List<String> broken = emails.broken();
        if (DUE_WAITING > 0) {
            timerLateness();
        }

        String table = report(began, loadBefore, curve);
        Files.createDirectories(RESULTS.getParent());
        Files.writeString(RESULTS, table);
        boolean docsWritten = writeIntoDocs(table);
        log.info("OutsideBenchmark results:\n{}\n\nOutsideBenchmark wrote its results to {}{}", table, RESULTS,
                docsWritten ? " and into " + DOCS + " (between the OutsideBenchmark markers)" : " (no " + DOCS + " to write into)");
        System.out.println("\n==> OutsideBenchmark results written to " + RESULTS + (docsWritten ? "\n==> and to " + DOCS : "") + "\n");
        assertThat(broken).as("every accepted event's email once, no connection-pool error").isEmpty();
    }

    // --- the two engines -------------------------------------------------------------------------------------------

    private void startBoth() throws Exception {
        smtp.start();
        List<String> settings = new ArrayList<>();
        String rawUrl = "jdbc:h2:file:" + home.resolve("raw/camunda") + ";AUTO_SERVER=FALSE;WRITE_DELAY=0;CACHE_SIZE=131072;QUERY_CACHE_SIZE=256";
        if (POSTGRES) {
            freshPostgresDatabase("touchpoint_outside");
            freshPostgresDatabase("touchpoint_outside_raw");
            settings.addAll(List.of("--spring.datasource.url=" + POSTGRES_URL + "touchpoint_outside", "--spring.datasource.username=postgres",
                    "--spring.datasource.password=", "--touchpoint.profiles.offload-store=true"));
            rawUrl = POSTGRES_URL + "touchpoint_outside_raw";
        }
        settings.addAll(ENGINE_ARGS);
        touchpoint = new PackagedEngine("outside", home, smtp.getSmtp().getPort(), "outside-benchmark", ENGINE_JVM_ARGS, settings)
                .awaitTakesEvents(Duration.ofMinutes(8));
        apiKey = json.readTree(touchpoint.post("/api/event-sources/keys", "{\"source\": \"benchmark\"}").body()).get("key").asText();
        raw = new RawCamunda("raw-" + run, rawUrl, POSTGRES ? "postgres" : "sa", "");
        for (String[] journey : JOURNEYS) {
            String bpmn = ModelerBpmn.saved(journey[1]);
            HttpResponse<String> deployed = touchpoint.deploy(journey[0] + ".bpmn", bpmn);
            assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
            raw.engine.getRepositoryService().createDeployment().addString(journey[0] + ".bpmn", bpmn).deploy();
        }
        for (JsonNode definition : json.readTree(touchpoint.get("/engine-rest/job-definition?processDefinitionKey=benchTimer").body())) {
            if (definition.get("jobType").asText().contains("timer")) {
                timerJobs = definition.get("id").asText();
            }
        }
        assertThat(touchpoint.put("/engine-rest/job-definition/" + timerJobs + "/suspended", "{\"suspended\": true, \"includeJobs\": true}").statusCode())
                .isEqualTo(204);
        ManagementService management = raw.engine.getManagementService();
        rawTimerJobs = management.createJobDefinitionQuery().processDefinitionKey("benchTimer").list().stream()
                .filter(definition -> definition.getJobType().contains("timer")).findFirst().orElseThrow().getId();
        management.suspendJobDefinitionById(rawTimerJobs, true);
    }

    private static void freshPostgresDatabase(String name) throws Exception {
        try (Connection admin = DriverManager.getConnection(POSTGRES_URL + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
            statement.execute("create database " + name);
        }
    }

    /** The three journeys, by file name: start and end; start and wait for an event; start and wait for a timer. */
    static final String[][] JOURNEYS = {
        {"bench-start", journey("benchStart", "bench_start", "")},
        {"bench-continue", journey("benchContinue", "bench_wait", """
                <bpmn:intermediateCatchEvent id="Wait_Next" name="Next"><bpmn:messageEventDefinition messageRef="Message_Next" /></bpmn:intermediateCatchEvent>""")},
        {"bench-timer", journey("benchTimer", "bench_timer", """
                <bpmn:intermediateCatchEvent id="Wait_Timer" name="Timer"><bpmn:timerEventDefinition><bpmn:timeDuration>PT0S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>""")},
    };

    private static String journey(String key, String startType, String step) {
        String flows = step.isEmpty()
                ? "<bpmn:sequenceFlow id=\"Flow_End\" sourceRef=\"Start\" targetRef=\"End\" />"
                : "<bpmn:sequenceFlow id=\"Flow_Step\" sourceRef=\"Start\" targetRef=\"" + (step.contains("Wait_Next") ? "Wait_Next" : "Wait_Timer") + "\" />"
                + "<bpmn:sequenceFlow id=\"Flow_End\" sourceRef=\"" + (step.contains("Wait_Next") ? "Wait_Next" : "Wait_Timer") + "\" targetRef=\"End\" />";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_%1$s" targetNamespace="https://touchpoint.io/journeys/benchmark">
                  <bpmn:message id="Message_Start" name="%2$s" />
                  <bpmn:message id="Message_Next" name="bench_next" />
                  <bpmn:process id="%1$s" name="Benchmark %1$s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:startEvent id="Start" name="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                    %3$s
                    <bpmn:endEvent id="End" name="End" />
                    %4$s
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, startType, step, flows);
    }

    // --- the kinds of work, each on Touchpoint and then on the raw engine: events (or jobs) per second --------------

    /** Journeys started by new customers' events: Touchpoint's rate, the raw engine's. */
    private double[] starts(int count) throws Exception {
        double touchpointRate = touchpointBatches("bench_start", "s", count);
        String prefix = "raw-s-" + UUID.randomUUID();
        RuntimeService runtime = raw.engine.getRuntimeService();
        double rawRate = inParallel(count, i -> runtime.createMessageCorrelation("bench_start").processInstanceBusinessKey(prefix + "-" + i)
                .setVariable("customerId", prefix + "-" + i).correlateStartMessage());
        return new double[] {touchpointRate, rawRate};
    }

    /** Plants {@code count} waiting journeys on both, then continues them: Touchpoint's rate, the raw engine's. */
    private double[] continues(int count, String phase) throws Exception {
        plant(count);
        int from = continued;
        continued += count;
        long ended = endedCount();
        double touchpointRate = timed(count, () -> sendBatches("bench_next", from, count));
        assertThat(endedCount() - ended).as("Touchpoint journeys continued to their end (" + phase + ")").isEqualTo(count);
        RuntimeService runtime = raw.engine.getRuntimeService();
        long rawEnded = rawEndedCount();
        double rawRate = inParallel(count, i -> runtime.createMessageCorrelation("bench_next").processInstanceBusinessKey("w-" + (from + i)).correlate());
        assertThat(rawEndedCount() - rawEnded).as("raw journeys continued to their end (" + phase + ")").isEqualTo(count);
        return new double[] {touchpointRate, rawRate};
    }

    /** Journeys waiting at the message catch, customers {@code w-<planted>...}, on both engines. */
    private void plant(int count) throws Exception {
        if (count <= 0) {
            return;
        }
        int from = planted;
        planted += count;
        double touchpointRate = timed(count, () -> sendBatches("bench_wait", from, count));
        RuntimeService runtime = raw.engine.getRuntimeService();
        double rawRate = inParallel(count, i -> runtime.createMessageCorrelation("bench_wait").processInstanceBusinessKey("w-" + (from + i))
                .setVariable("customerId", "w-" + (from + i)).correlateStartMessage());
        log.info("OutsideBenchmark: {} waiting journeys planted (Touchpoint {}, raw {}); {} wait now", count, rate(touchpointRate), rate(rawRate),
                planted - continued);
        retried.set(0);
    }

    /**
     * {@code count} journeys each waiting at a timer that is due at once, created suspended on both engines; then the
     * jobs are activated and drain: Touchpoint's jobs per second, the raw engine's, each from the first job taken to
     * the last.
     */
    private double[] timers(int count) throws Exception {
        touchpointBatches("bench_timer", "t", count);
        LongSupplier touchpointJobs = () -> number(touchpoint, "/engine-rest/job/count?jobDefinitionId=" + timerJobs);
        assertThat(touchpointJobs.getAsLong()).as("Touchpoint's suspended timer jobs").isEqualTo(count);
        double touchpointRate = drain(count, () -> touchpoint.put("/engine-rest/job-definition/" + timerJobs + "/suspended",
                "{\"suspended\": false, \"includeJobs\": true}"), touchpointJobs);
        touchpoint.put("/engine-rest/job-definition/" + timerJobs + "/suspended", "{\"suspended\": true, \"includeJobs\": true}");

        String prefix = "raw-t-" + UUID.randomUUID();
        RuntimeService runtime = raw.engine.getRuntimeService();
        inParallel(count, i -> runtime.createMessageCorrelation("bench_timer").processInstanceBusinessKey(prefix + "-" + i)
                .setVariable("customerId", prefix + "-" + i).correlateStartMessage());
        ManagementService management = raw.engine.getManagementService();
        LongSupplier rawJobs = () -> management.createJobQuery().jobDefinitionId(rawTimerJobs).count();
        assertThat(rawJobs.getAsLong()).as("the raw engine's suspended timer jobs").isEqualTo(count);
        double rawRate = drain(count, () -> {
            management.activateJobDefinitionById(rawTimerJobs, true);
            // the raw engine's job acquisition may be idle for up to a minute; Touchpoint's waits at most its max-wait
            ((ProcessEngineConfigurationImpl) raw.engine.getProcessEngineConfiguration()).getJobExecutor().jobWasAdded();
        }, rawJobs);
        management.suspendJobDefinitionById(rawTimerJobs, true);
        return new double[] {touchpointRate, rawRate};
    }

    /**
     * Activates the jobs, then polls how many are left: those left at the first poll that saw fewer than all, over the
     * time from then until none are left (all of them over the time since the activation when that poll saw none).
     */
    private static double drain(int count, Work activate, LongSupplier left) throws Exception {
        long activated = System.nanoTime();
        activate.run();
        long[] first = new long[2]; // when a poll first saw fewer jobs than all, how many it saw
        await().atMost(Duration.ofSeconds(120 + count / 20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long now = System.nanoTime();
            long jobs = left.getAsLong();
            if (first[0] == 0 && jobs < count) {
                first[0] = now;
                first[1] = jobs;
            }
            return jobs == 0;
        });
        return first[1] == 0 ? count / ((first[0] - activated) / 1e9) : first[1] / ((System.nanoTime() - first[0]) / 1e9);
    }

    // --- Touchpoint's intake: batches of 500 from 2 clients ----------------------------------------------------------

    /** {@code count} events of a type, each for a new customer, through batch REST: events per second. */
    private double touchpointBatches(String type, String customers, int count) throws Exception {
        String prefix = customers + "-" + (batchesSent++) + "-" + run;
        return timed(count, () -> sendBatches(type, prefix, 0, count));
    }

    private void sendBatches(String type, int from, int count) throws Exception {
        sendBatches(type, "w", from, count);
    }

    private void sendBatches(String type, String customers, int from, int count) throws Exception {
        sendBatches(type, customers, from, count, i -> type.equals("bench_profile") ? PROFILE_TRAITS.formatted(i) : "");
    }

    /** {@code count} events of customers {@code <customers>-<from + i>}, event {@code i} with {@code properties(from + i)} after its {@code n}. */
    private void sendBatches(String type, String customers, int from, int count, IntFunction<String> properties) throws Exception {
        String ids = type + "-" + UUID.randomUUID();
        int batches = (count + BATCH - 1) / BATCH;
        runOn(batches, b -> {
            String body = IntStream.range(b * BATCH, Math.min(count, (b + 1) * BATCH))
                    .mapToObj(i -> "{\"eventId\": \"%s-%d\", \"type\": \"%s\", \"customerId\": \"%s-%d\", \"properties\": {\"n\": %d%s}}"
                            .formatted(ids, i, type, customers, from + i, i, properties.apply(from + i)))
                    .collect(Collectors.joining(",", "[", "]"));
            HttpResponse<String> answer = post("/api/events/batch", body);
            for (int attempt = 1; answer.statusCode() == 503 && attempt <= 30; attempt++) {
                // busy: the same batch again after Retry-After, as a client must; the event ids keep it from counting twice
                retried.incrementAndGet();
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(answer.headers().firstValueAsLong("Retry-After").orElse(1)));
                answer = post("/api/events/batch", body);
            }
            if (answer.statusCode() != 202) {
                throw new AssertionError("batch of " + type + " answered " + answer.statusCode() + ": " + answer.body());
            }
        });
    }

    private HttpResponse<String> post(String path, String body) {
        try {
            return http.send(HttpRequest.newBuilder(touchpoint.uri(path)).timeout(Duration.ofMinutes(2))
                    .header(ApiKeyAuthenticationFilter.HEADER, apiKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private long endedCount() {
        return number(touchpoint, "/engine-rest/history/process-instance/count?processDefinitionKey=benchContinue&finished=true");
    }

    private long rawEndedCount() {
        return raw.engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey("benchContinue").finished().count();
    }

    private long number(PackagedEngine engine, String countPath) {
        try {
            HttpResponse<String> answer = engine.get(countPath);
            JsonNode count = json.readTree(answer.body()).get("count");
            if (count == null) {
                throw new AssertionError(countPath + " answered " + answer.statusCode() + ": " + answer.body());
            }
            return count.asLong();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a {@code bench_profile} event sets: a name and a few attributes, as a sign-up would. */
    static final String PROFILE_TRAITS = ", \"traits\": {\"firstName\": \"Pat\","
            + " \"lastName\": \"Lee %1$d\", \"city\": \"Berlin\", \"plan\": \"gold\", \"signedUpAt\": \"2026-11-30\"}";

    /** The profile cache's size in the measured engine (its default, {@code touchpoint.profiles.cache-size}). */
    static final int PROFILE_CACHE = 100_000;

    // --- timer lateness with many timers waiting (Touchpoint only) ------------------------------------------------------

    /**
     * Plants {@link #DUE_WAITING} journeys waiting at a timer due tomorrow (a date from the event:
     * {@code ${trigger.properties.dueAt}}), then {@code DUE_RATE × DUE_SECONDS} more whose timers fall due one after the
     * other at {@link #DUE_RATE} a second, starting once they are all planted; each one's lateness is its journey's end
     * (the timer fired and the journey ended in that job) less its due date, from the engine's history.
     */
    private void timerLateness() throws Exception {
        String bpmn = ModelerBpmn.saved(journey("benchDue", "bench_due", """
                <bpmn:intermediateCatchEvent id="Wait_Timer" name="Due"><bpmn:timerEventDefinition><bpmn:timeDate>${trigger.properties.dueAt}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"""));
        HttpResponse<String> deployed = touchpoint.deploy("bench-due.bpmn", bpmn);
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        long sizeBefore = databaseBytes();
        String tomorrow = ", \"dueAt\": \"" + Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS) + "\"";
        double plantedRate = timed(DUE_WAITING, () -> sendBatches("bench_due", "dw-" + run, 0, DUE_WAITING, i -> tomorrow));
        log.info("OutsideBenchmark: {} journeys wait at a timer due tomorrow (planted at {})", DUE_WAITING, rate(plantedRate));
        row(String.format("database size per journey waiting at a timer (%,d planted at %s)", DUE_WAITING, rate(plantedRate)),
                String.format("%,d bytes", (databaseBytes() - sizeBefore) / DUE_WAITING), "—", "—", "(the capacity model)", null);

        int count = DUE_RATE * DUE_SECONDS;
        Instant first = Instant.now().plusSeconds(20 + count / 500).truncatedTo(ChronoUnit.SECONDS); // after they are all planted
        IntFunction<Instant> due = i -> first.plusNanos(i * 1_000_000_000L / DUE_RATE);
        String customers = "dm-" + run;
        sendBatches("bench_due", customers, 0, count, i -> ", \"dueAt\": \"" + due.apply(i) + "\"");
        assertThat(Instant.now()).as("the timers measured were all planted before the first fell due").isBefore(first);
        String finished = "/engine-rest/history/process-instance%s?processDefinitionKey=benchDue&finished=true";
        await().atMost(Duration.ofSeconds(20 + count / 500 + DUE_SECONDS + 120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> number(touchpoint, finished.formatted("/count")) >= count);
        List<Long> lateness = new ArrayList<>();
        for (int page = 0; page * 1_000 < count; page++) {
            for (JsonNode journey : json.readTree(touchpoint.get(finished.formatted("") + "&firstResult=" + page * 1_000 + "&maxResults=1000").body())) {
                int i = Integer.parseInt(journey.get("businessKey").asText().substring(customers.length() + 1));
                Instant ended = OffsetDateTime.parse(journey.get("endTime").asText(), CAMUNDA_DATE).toInstant();
                lateness.add(Duration.between(due.apply(i), ended).toMillis());
            }
        }
        assertThat(lateness).as("each measured timer fired once").hasSize(count);
        Collections.sort(lateness);
        long p99 = EmailLoad.percentile(lateness, 99);
        row(String.format("timer lateness, %,d timers waiting, %,d falling due at %d/s (fired − due)", DUE_WAITING, count, DUE_RATE),
                "p50 %,d ms, p99 %,d ms, max %,d ms".formatted(EmailLoad.percentile(lateness, 50), p99, lateness.get(count - 1)),
                "—", "—", "p99 < 2 s", p99 < 2_000);
    }

    /** How the engine's REST API writes a date. */
    static final DateTimeFormatter CAMUNDA_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /** The Touchpoint engine's heap in use just after a full collection ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    private long heapUsedAfterFullGc() throws Exception {
        jcmd("GC.run");
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
        assertThat(used.find()).as("jcmd GC.heap_info names the heap used").isTrue();
        return Long.parseLong(used.group(1)) << 10;
    }

    private String jcmd(String command) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(touchpoint.process.pid()), command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor(2, TimeUnit.MINUTES)).as("jcmd " + command).isTrue();
        return out;
    }

    /**
     * PostgreSQL only: transactions (read-only ones included: the load of a profile the cache does not hold is one)
     * and rows written (inserted, updated, deleted) so far in Touchpoint's database and in the raw engine's, from
     * {@code pg_stat_database}; null on H2.
     */
    private long[][] databaseWork() throws Exception {
        if (!POSTGRES) {
            return null;
        }
        // PostgreSQL publishes a backend's counts at most once a second: wait for the last ones of the work before
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1_500));
        long[][] work = new long[2][];
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL + "postgres", "postgres", "");
             java.sql.PreparedStatement statement = connection.prepareStatement(
                     "select xact_commit, tup_inserted + tup_updated + tup_deleted from pg_stat_database where datname = ?")) {
            String[] databases = {"touchpoint_outside", "touchpoint_outside_raw"};
            for (int i = 0; i < 2; i++) {
                statement.setString(1, databases[i]);
                try (java.sql.ResultSet row = statement.executeQuery()) {
                    row.next();
                    work[i] = new long[] {row.getLong(1), row.getLong(2)};
                }
            }
        }
        return work;
    }

    /** A row of the database work per event since {@code before}, on PostgreSQL: the figures behind the capacity model. */
    private void databaseWorkRow(String what, long[][] before, int events) throws Exception {
        if (before == null) {
            return;
        }
        long[][] after = databaseWork();
        String[] cells = new String[2];
        for (int i = 0; i < 2; i++) {
            cells[i] = String.format("%.2f transactions, %.1f rows written", (after[i][0] - before[i][0]) / (double) events,
                    (after[i][1] - before[i][1]) / (double) events);
        }
        retried.set(0);
        row("PostgreSQL work per " + what, cells[0], what.contains("nothing") ? "—" : cells[1], "—", "(the capacity model)", null);
    }

    /** The size of Touchpoint's database: its H2 files, or the PostgreSQL database. */
    private long databaseBytes() throws Exception {
        if (POSTGRES) {
            try (Connection connection = DriverManager.getConnection(POSTGRES_URL + "touchpoint_outside", "postgres", "");
                 Statement statement = connection.createStatement();
                 java.sql.ResultSet size = statement.executeQuery("select pg_database_size('touchpoint_outside')")) {
                size.next();
                return size.getLong(1);
            }
        }
        try (Stream<Path> files = Files.list(home.resolve("data"))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".mv.db")).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    // --- timing ------------------------------------------------------------------------------------------------------

    private interface Work {
        void run() throws Exception;
    }

    private static double timed(int count, Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** Runs task 0..count-1 on 2 threads: per second. */
    private static double inParallel(int count, IntConsumer task) throws Exception {
        return timed(count, () -> runOn(count, task));
    }

    private static void runOn(int tasks, IntConsumer task) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> results = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                int n = i;
                results.add(clients.submit(() -> task.accept(n)));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            clients.shutdown();
        }
    }

    // --- the report --------------------------------------------------------------------------------------------------

    private void row(String work, String touchpointCell, String rawCell, String ratio, String aim, Boolean met) {
        int busy = retried.getAndSet(0);
        if (busy > 0) {
            touchpointCell += " (batches answered 503 and sent again: %d)".formatted(busy);
        }
        String line = "| %s | %s | %s | %s | %s%s |".formatted(work, touchpointCell, rawCell, ratio, aim, met == null ? "" : met ? " (met)" : " (missed)");
        log.info("OutsideBenchmark figure: {}", line);
        rows.add(line);
    }

    private String report(Instant began, double loadBefore, List<EmailLoad.Result> curve) throws IOException {
        Runtime jvm = Runtime.getRuntime();
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        boolean smoke = WARM_UP < 5_000 || STARTS < 20_000 || CONTINUES < 10_000 || NOTHING < 40_000 || TIMERS < 10_000 || EMAIL_SECONDS < 20;
        StringBuilder out = new StringBuilder();
        out.append("Measured %s (UTC), %.1f minutes, by `./mvnw -B -Pbenchmark -pl engine -am verify -Dit.test=OutsideBenchmark`%s.%n%n".formatted(
                began.truncatedTo(ChronoUnit.SECONDS), Duration.between(began, Instant.now()).toSeconds() / 60.0, sizes()));
        if (smoke) {
            out.append("**Smaller sizes than the defaults: a smoke run that shows the command works, not a measurement.**\n\n");
        }
        out.append("- machine: %s, %d cores, %.0f GB memory, %s %s (%s); load average %.1f before the run, %.1f after%n".formatted(cpu(),
                jvm.availableProcessors(), memory / 1e9, System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                loadBefore, loadAverage()));
        out.append("- JDK: %s %s (%s); Touchpoint in its own JVM (`-Xmx2g`, engine args %s), the raw engine and the clients in the benchmark's JVM%n"
                .formatted(System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), System.getProperty("java.vendor"), ENGINE_ARGS));
        out.append("- database: %s, fresh, one for each engine%n".formatted(POSTGRES ? "PostgreSQL on 127.0.0.1 (" + postgresVersion() + ")"
                : "H2 file (a commit is in the file when it returns: Touchpoint's group commit, the raw engine's `WRITE_DELAY=0`)"));
        out.append("- raw engine: Camunda %s, standalone, history `activity`, its default job executor%n%n"
                .formatted(org.camunda.bpm.engine.impl.util.ProductPropertiesUtil.getProductVersion()));
        out.append("| work | Touchpoint | raw engine | ratio | aim |\n| --- | --- | --- | --- | --- |\n");
        rows.forEach(line -> out.append(line).append('\n'));
        out.append("\nEmail latency curve (single `POST /api/events`, open loop, each event starts a journey that sends one email):\n\n");
        out.append("| rate (events/s) | seconds | offered/s | accepted | accepted/s | errors (non-202) | emails | p50 | p95 | p99 | max | 202 answer p50 / p99 |\n");
        out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        curve.forEach(result -> out.append(result.row()).append('\n'));
        return out.toString();
    }

    private static String sizes() {
        return ", warm-up %,d events of each kind, starts %,d, continues %,d, timers %,d, nothing %,d, %s%s".formatted(WARM_UP,
                STARTS, CONTINUES, TIMERS, NOTHING, EMAIL_RATES.isEmpty() ? "no email curve" : "emails %s/s for %d s each".formatted(
                        EMAIL_RATES.stream().map(String::valueOf).collect(Collectors.joining(", ")), EMAIL_SECONDS),
                WAITING.isEmpty() ? "" : ", waiting " + WAITING.stream().map("%,d"::formatted).collect(Collectors.joining(", ")))
                + (DUE_WAITING == 0 ? "" : ", timer lateness with %,d timers waiting, due at %d/s for %d s".formatted(DUE_WAITING, DUE_RATE, DUE_SECONDS));
    }

    /** Replaces what is between the markers in docs/benchmarks.md; the rest of the file stays. */
    private static boolean writeIntoDocs(String table) throws IOException {
        if (!Files.exists(DOCS)) {
            return false;
        }
        String docs = Files.readString(DOCS);
        int begin = docs.indexOf(BEGIN);
        int end = docs.indexOf(END);
        String section = BEGIN + "\n" + table + END;
        docs = begin >= 0 && end > begin ? docs.substring(0, begin) + section + docs.substring(end + END.length())
                : docs + "\n## From outside: Touchpoint next to the raw engine\n\n" + section + "\n";
        Files.writeString(DOCS, docs);
        return true;
    }

    private static String cpu() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("CPU unknown");
        } catch (IOException | RuntimeException e) {
            return "CPU unknown";
        }
    }

    private static String postgresVersion() {
        try (Connection db = DriverManager.getConnection(POSTGRES_URL + "postgres", "postgres", "")) {
            return "PostgreSQL " + db.getMetaData().getDatabaseProductVersion();
        } catch (Exception e) {
            return "version unknown";
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String rate(double perSecond) {
        return "%,.0f/s".formatted(perSecond);
    }

    private static String jobs(double perSecond, int count) {
        return "%,.0f jobs/s (%.1f s)".formatted(perSecond, count / perSecond);
    }

    private static String ratio(double[] rates) {
        return "%.2f".formatted(rates[0] / rates[1]);
    }

    /** Whether Touchpoint's rate over the raw engine's, as the table shows it (two decimals), meets the aim. */
    private static boolean atLeast(double[] rates, double aim) {
        return Math.round(rates[0] / rates[1] * 100) >= Math.round(aim * 100);
    }

    private static List<Integer> numbers(String list) {
        return Arrays.stream(list.split(",")).filter(n -> !n.isBlank()).map(n -> Integer.valueOf(n.trim())).toList();
    }
}
