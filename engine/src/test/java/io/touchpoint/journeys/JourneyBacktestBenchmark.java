package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.EngineIT;
import io.touchpoint.events.CustomerEvent;
import io.touchpoint.events.EventIntake;

/**
 * Backtest throughput: a week of recorded events ({@link RecordedWeek}: about 1.65 events a customer; 4,000
 * customers ≈ 6,600 events by default, {@code -Dbenchmark.customers=60000} for ≈ 100,000) backtested against the abandoned-cart journey with a two-hour wait.
 * Logs the sandbox's start, the replay's events per second (in the sandbox, report included) and the whole request's
 * time; asserts only that the backtest finished. Run:
 * {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=JourneyBacktestBenchmark}
 */
@TestPropertySource(properties = "camunda.bpm.process-engine-name=journeyBacktestBenchmark")
class JourneyBacktestBenchmark extends EngineIT {

    private static final Logger log = LoggerFactory.getLogger(JourneyBacktestBenchmark.class);
    private static final Instant FROM = Instant.parse("2025-06-02T00:00:00Z");

    private final ObjectMapper json = SandboxJob.JSON;

    @Autowired
    EventIntake intake;

    @Test
    void backtestedEventsPerSecond() throws Exception {
        int customers = Integer.getInteger("benchmark.customers", 4_000);
        RecordedWeek week = RecordedWeek.generate(customers, "bench-" + UUID.randomUUID().toString().substring(0, 8), FROM, 7);
        long seeding = System.nanoTime();
        record(week.profiles());
        record(week.events());
        log.info("BENCHMARK backtest: recorded {} events of {} customers in {} s", week.events().size(), customers, (System.nanoTime() - seeding) / 1_000_000_000);

        long start = System.nanoTime();
        HttpResponse<String> started = post("/api/journeys/backtest", json.writeValueAsString(Map.of(
                "bpmn", AbandonedCartJourneyIT.abandonedCartWaiting("PT2H"), "from", FROM.toString(), "to", week.to().toString())));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        DraftJourneys.BacktestStatus[] status = new DraftJourneys.BacktestStatus[1];
        await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofSeconds(5)).until(() -> {
            status[0] = json.readValue(get(location).body(), DraftJourneys.BacktestStatus.class);
            log.info("BENCHMARK backtest: {} {} of {} events", status[0].state(), status[0].replayed(), status[0].events());
            return !status[0].state().equals("RUNNING");
        });
        double total = (System.nanoTime() - start) / 1e9;
        assertThat(status[0].state()).as(status[0].error()).isEqualTo("DONE");
        JourneyReplay.Report report = status[0].report().journey();
        log.info("BENCHMARK backtest: {} events, {} customers: sandbox started in {} s, replay and report {} s = {} events/s; whole backtest {} s;"
                        + " {} entries, {} messages, {} held back, {} collisions; {} cores",
                status[0].events(), customers, status[0].sandboxStartMillis() / 1000.0, status[0].replayMillis() / 1000.0,
                Math.round(status[0].events() * 1000.0 / status[0].replayMillis()), Math.round(total), report.entries(), report.messages().size(),
                report.heldBack().size(), status[0].report().collisions().size(), Runtime.getRuntime().availableProcessors());
    }

    /** Records events through the intake, 100 to a transaction. */
    private void record(List<CustomerEvent> events) {
        for (int i = 0; i < events.size(); i += 100) {
            List<CustomerEvent> chunk = events.subList(i, Math.min(events.size(), i + 100));
            if (intake.acceptTogether(chunk).isEmpty()) {
                chunk.forEach(intake::accept);
            }
        }
    }
}
