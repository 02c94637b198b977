package io.touchpoint.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.ProfileService;
import io.touchpoint.profiles.ProfileUpdate;

/**
 * How long {@code POST /api/segments/preview} and a new segment's backfill take over 50,000 stored profiles on an H2
 * file database (the whole engine in process, 2 shared cores). Logs the figures, asserts nothing about speed.
 * Run: {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=SegmentAudienceBenchmark}
 */
@TestPropertySource(properties = {"spring.datasource.url=jdbc:h2:file:./target/segment-benchmark-${random.uuid}/touchpoint;${touchpoint.h2-settings}",
        "camunda.bpm.process-engine-name=segmentAudienceBenchmark"})
class SegmentAudienceBenchmark extends EngineIT {

    private static final Logger log = LoggerFactory.getLogger(SegmentAudienceBenchmark.class);
    private static final int CUSTOMERS = 50_000;

    @Autowired
    ProfileService profiles;
    @Autowired
    ObjectMapper json;

    @Test
    void previewAndBackfillOverFiftyThousandProfiles() throws Exception {
        IntStream.range(0, CUSTOMERS).parallel().forEach(i -> profiles.apply("c-bench-" + i,
                ProfileUpdate.of(Map.of("email", "bench" + i + "@example.com"),
                        Map.of("traits", Map.of("tier", i % 10 == 0 ? "gold" : "silver", "age", 18 + i % 60)), Instant.now())
                        .forEvent("bench-" + i, "signed_up", Instant.now())));

        String condition = "{\"all\": [{\"attribute\": \"tier\", \"eq\": \"gold\"}, {\"attribute\": \"age\", \"gte\": 30}]}";
        for (int round = 1; round <= 3; round++) {
            long started = System.nanoTime();
            HttpResponse<String> preview = post("/api/segments/preview", "{\"condition\": " + condition + "}");
            long took = (System.nanoTime() - started) / 1_000_000;
            JsonNode audience = json.readTree(preview.body());
            assertThat(audience.path("scanned").asLong()).isEqualTo(CUSTOMERS);
            log.info("BENCHMARK segment preview (in-process, H2 file): {} of {} profiles match, {} ms ({} profiles/s)", audience.path("count").asLong(),
                    CUSTOMERS, took, CUSTOMERS * 1000L / Math.max(took, 1));
        }

        long started = System.nanoTime();
        HttpResponse<String> saved = send(request("/api/segments/bench-gold").header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"condition\": " + condition + "}")).build());
        assertThat(saved.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode backfill = json.readTree(get("/api/segments").body()).path("backfill");
            return backfill.path("version").asLong() == 1 && backfill.hasNonNull("finishedAt");
        });
        long took = (System.nanoTime() - started) / 1_000_000;
        log.info("BENCHMARK segment backfill (in-process, H2 file): {} profiles in {} ms ({} profiles/s)", CUSTOMERS, took,
                CUSTOMERS * 1000L / Math.max(took, 1));
    }
}
