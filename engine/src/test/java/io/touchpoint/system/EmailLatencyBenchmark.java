package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.touchpoint.system.EmailLoad.Result;
import io.touchpoint.system.EmailLoad.Shot;

/**
 * Event-to-email latency from outside, the way a shop meets it: the packaged engine in a process of its own
 * ({@link PackagedEngine}: production settings, job executor on, a fresh H2 file database), a transactional email
 * journey and open-loop single-request events ({@link EmailLoad}), and a GreenMail SMTP server in this JVM: after a warm-up (70 events/s for 150 s, so that the JIT has compiled
 * the paths: on 2 cores it compiles for minutes), 200 events/s for 60 s, then 30 s at each rate of a curve (50, 100,
 * 200, 400/s). Latency runs from just before the POST to GreenMail storing the message (its received
 * date), matched by recipient ({@code <customer>@example.com}). Logs per rate: accepted, errors (non-202 answers),
 * emails, p50/p95/p99/max, and where the time went (intake, waiting for the job executor, the send) from the
 * engine's history tables after a graceful stop; and the machine's load average, as other work skews the figures.
 * Asserts only what must hold at any speed: every accepted event's email exactly once, no connection-pool error in
 * the engine's log. Run: {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=EmailLatencyBenchmark}; inside
 * {@code -Dbenchmark.jvmArgs="..."}: {@code -Dbenchmark.seconds=60}, {@code -Dbenchmark.rates=50,100,200,400},
 * {@code -Dbenchmark.curveSeconds=30}, {@code -Dbenchmark.warmUpRate=70}, {@code -Dbenchmark.warmUpSeconds=150}, {@code -Dbenchmark.engineArgs=--key=value,...} to try engine settings and
 * {@code -Dbenchmark.engineJvmArgs=-Xmx1g,...} the engine JVM's options (a flight recording, for one).
 */
class EmailLatencyBenchmark {

    private static final Logger log = LoggerFactory.getLogger(EmailLatencyBenchmark.class);
    static final int RATE = 200;
    static final int SECONDS = Integer.getInteger("benchmark.seconds", 60);
    static final int WARM_UP_RATE = Integer.getInteger("benchmark.warmUpRate", 70);
    static final int WARM_UP_SECONDS = Integer.getInteger("benchmark.warmUpSeconds", 150);
    static final List<Integer> CURVE_RATES = Arrays.stream(System.getProperty("benchmark.rates", "50,100,200,400").split(","))
            .filter(r -> !r.isBlank()).map(r -> Integer.valueOf(r.trim())).toList();
    static final int CURVE_SECONDS = Integer.getInteger("benchmark.curveSeconds", 30);
    static final List<String> ENGINE_JVM_ARGS = Arrays.stream(System.getProperty("benchmark.engineJvmArgs", "-Xmx1g").split(",(?=-)"))
            .filter(a -> !a.isBlank()).toList();
    static final List<String> ENGINE_ARGS = Arrays.stream(System.getProperty("benchmark.engineArgs", "").split(","))
            .filter(a -> !a.isBlank()).toList();

    @TempDir
    Path home;

    final GreenMail smtp = new GreenMail(new ServerSetup(PackagedEngine.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    PackagedEngine engine;
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
                ENGINE_JVM_ARGS, ENGINE_ARGS).awaitTakesEvents(Duration.ofMinutes(8));
        String apiKey = new ObjectMapper().readTree(engine.post("/api/event-sources/keys", "{\"source\": \"benchmark\"}").body()).get("key").asText();
        EmailLoad load = new EmailLoad(engine, smtp, apiKey).deployJourney();

        loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Result warmUp = load.run("warm-up", WARM_UP_RATE, WARM_UP_SECONDS);
        log.info("EmailLatencyBenchmark warm-up: {}", warmUp.row());
        Result main = load.run("main", RATE, SECONDS);
        log.info("EmailLatencyBenchmark {} events/s for {} s: {}", RATE, SECONDS, main.row());
        List<Result> curve = new ArrayList<>();
        for (int rate : CURVE_RATES) {
            Result result = load.run("r" + rate, rate, CURVE_SECONDS);
            log.info("EmailLatencyBenchmark {} events/s for {} s: {}", rate, CURVE_SECONDS, result.row());
            curve.add(result);
        }

        List<String> broken = load.broken();
        engine.stop();
        List<Result> all = new ArrayList<>(List.of(main));
        all.addAll(curve);
        String whereTheTimeWent = whereTheTimeWent(all);
        engine = null;

        String table = table(main, curve, whereTheTimeWent);
        Path results = Files.createDirectories(Path.of("target", "email-latency")).resolve("results.md").toAbsolutePath();
        Files.writeString(results, table);
        log.info("EmailLatencyBenchmark results (also in {}):\n{}", results, table);

        assertThat(broken).as("every accepted event's email once, no connection-pool error").isEmpty();
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
            for (Shot shot : result.posted()) {
                Long received = result.received(shot);
                long[] journey = times.get(shot.customer);
                if (received != null && journey != null) {
                    intake.add(journey[0] - shot.postedAt);
                    jobWait.add(journey[1] - journey[0]);
                    send.add(received - journey[1]);
                }
            }
            table.append("| %d | %d | %s | %s | %s |%n".formatted(result.rate(), result.seconds(), spread(intake), spread(jobWait), spread(send)));
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
        return EmailLoad.percentile(sorted, 50) + " / " + EmailLoad.percentile(sorted, 99);
    }
}
