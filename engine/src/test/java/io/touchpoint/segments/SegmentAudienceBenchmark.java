package io.touchpoint.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.ComputedTraits;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.RecentEvent;

/**
 * How long {@code POST /api/segments/preview} and a new segment's backfill take over 1,000,000 stored profiles on an
 * H2 file database (the whole engine in process, 2 shared cores). The profiles are planted straight into
 * {@code customer_profile} in their stored format (JDBC batches, not through the API: the cache loads them on
 * demand). Logs the figures, asserts only the counts. Size: {@code -Dbenchmark.customers=1000000}.
 * Run: {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=SegmentAudienceBenchmark}
 */
@TestPropertySource(properties = {"spring.datasource.url=jdbc:h2:file:./target/segment-benchmark-${random.uuid}/touchpoint;${touchpoint.h2-settings}",
        "camunda.bpm.process-engine-name=segmentAudienceBenchmark"})
class SegmentAudienceBenchmark extends EngineIT {

    private static final Logger log = LoggerFactory.getLogger(SegmentAudienceBenchmark.class);
    private static final int CUSTOMERS = Integer.getInteger("benchmark.customers", 1_000_000);
    /** One customer in this many is platinum: the backfilled segment's audience (0.5 %). */
    private static final int PLATINUM_EVERY = 200;

    @Autowired
    ObjectMapper json;
    @Autowired
    DataSource dataSource;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    @Test
    void previewAndBackfillOverAMillionProfiles() throws Exception {
        plant();

        String condition = """
                {"all": [{"attribute": "tier", "eq": "gold"}, {"attribute": "age", "gte": 30}, {"consent": "email"},
                         {"trait": "orderCount", "gte": 1}, {"not": {"identity": "phone"}}]}""";
        for (int round = 1; round <= 3; round++) {
            Measured measured = new Measured();
            HttpResponse<String> preview = post("/api/segments/preview", "{\"condition\": " + condition + "}");
            JsonNode audience = json.readTree(preview.body());
            assertThat(audience.path("scanned").asLong()).as(preview.body()).isEqualTo(CUSTOMERS);
            log.info("BENCHMARK segment preview (in-process, H2 file, round {}): {} of {} profiles match, {}", round,
                    audience.path("count").asLong(), CUSTOMERS, measured.done());
        }

        backfill(1, "bench-nobody", "{\"attribute\": \"tier\", \"eq\": \"diamond\"}", 0);
        backfill(2, "bench-platinum", "{\"attribute\": \"tier\", \"eq\": \"platinum\"}", CUSTOMERS / PLATINUM_EVERY);
    }

    /** Saves a segment and waits until its backfill (of segment version {@code version}) is done; logs how long it took. */
    private void backfill(long version, String id, String condition, long entering) throws Exception {
        Long enteredBefore = jdbc.queryForObject("select count(*) from customer_event where type = 'segment_entered'", Long.class);
        Measured measured = new Measured();
        HttpResponse<String> saved = send(request("/api/segments/" + id).header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"condition\": " + condition + "}")).build());
        assertThat(saved.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode backfill = json.readTree(get("/api/segments").body()).path("backfill");
            return backfill.path("version").asLong() == version && backfill.hasNonNull("finishedAt");
        });
        String figures = measured.done();
        Long entered = jdbc.queryForObject("select count(*) from customer_event where type = 'segment_entered'", Long.class) - enteredBefore;
        assertThat(entered).isEqualTo(entering);
        log.info("BENCHMARK segment backfill of {} (in-process, H2 file): {} profiles, {} entering, {}", id, CUSTOMERS, entered, figures);
    }

    /** Wall time and the CPU time the whole engine process used meanwhile (other builds share the machine's 2 cores). */
    private static final class Measured {
        private final long startedNanos = System.nanoTime();
        private final long cpuNanos = cpu();

        String done() {
            long tookMillis = Math.max((System.nanoTime() - startedNanos) / 1_000_000, 1);
            return "%d ms (%d profiles/s), %d ms CPU of the engine process".formatted(tookMillis, CUSTOMERS * 1000L / tookMillis,
                    (cpu() - cpuNanos) / 1_000_000);
        }

        private static long cpu() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }

    /** Writes the profiles as the profile store writes them (empty fields left out), 1,000 rows a batch. */
    private void plant() throws Exception {
        ObjectWriter writer = json.copy().setSerializationInclusion(JsonInclude.Include.NON_EMPTY).writerFor(CustomerProfile.class);
        Instant now = Instant.now();
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("insert into customer_profile (customer_id, email, phone, profile_json, updated_at,"
                     + " display_name, search_text, segments_due_at) values (?, ?, ?, ?, ?, ?, ?, null)")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < CUSTOMERS; i++) {
                CustomerProfile profile = profile(i, now);
                insert.setString(1, profile.customerId());
                insert.setString(2, profile.email());
                insert.setString(3, profile.phone());
                insert.setString(4, writer.writeValueAsString(profile));
                insert.setTimestamp(5, Timestamp.from(profile.updatedAt()));
                insert.setString(6, "Bench " + i);
                insert.setString(7, profile.customerId() + "\t" + profile.email());
                insert.addBatch();
                if (i % 1000 == 999 || i == CUSTOMERS - 1) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
        }
        log.info("BENCHMARK planted {} stored profiles in {} ms", CUSTOMERS, (System.nanoTime() - started) / 1_000_000);
    }

    /** A profile with what a real one holds: identities, typed attributes, consents, traits, recent events. */
    private static CustomerProfile profile(int i, Instant now) {
        String id = "c-bench-" + i;
        String tier = i % PLATINUM_EVERY == 0 ? "platinum" : i % 10 == 0 ? "gold" : "silver";
        Instant created = now.minus(Duration.ofDays(1 + i % 700));
        Instant lastOrder = now.minus(Duration.ofDays(i % 300));
        return new CustomerProfile(id, "bench" + i + "@example.com", i % 4 == 0 ? "+4930" + (1_000_000 + i) : null,
                Map.of("anonymousId", Set.of("anon-" + i)),
                Map.of("tier", tier, "age", 18 + i % 60, "country", List.of("DE", "AT", "FR", "US").get(i % 4), "firstName", "Bench",
                        "lastName", "Customer " + i, "birthday", "1990-0" + (1 + i % 9) + "-1" + (i % 9)),
                Map.of("tier", created, "age", created, "country", created),
                Map.of("email.marketing", i % 7 != 0, "sms", i % 3 == 0), "Europe/Berlin", "de-DE",
                new ComputedTraits(i % 3, i % 3 == 0 ? null : lastOrder, BigDecimal.valueOf(i % 3 * 42), created, lastOrder),
                List.of(new RecentEvent("e-" + i + "-2", "page_viewed", lastOrder), new RecentEvent("e-" + i + "-1", "order_placed", lastOrder)),
                12 + i % 30, Set.of(), created, lastOrder);
    }
}
