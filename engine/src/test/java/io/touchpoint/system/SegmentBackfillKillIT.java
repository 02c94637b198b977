package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * kill -9 in the middle of a segment's backfill: the packaged engine (a process of its own on an H2 file database)
 * backfills a new segment over 300 stored customers slowly (20 a page, 40 a second); it is SIGKILLed once some pages
 * are done and started again on the same files. The restarted engine resumes the backfill after the last page
 * recorded and finishes it; every customer who meets the segment is in it, nobody who does not is, and nobody got
 * {@code segment_entered} twice.
 */
class SegmentBackfillKillIT extends KilledEngines {

    private static final int CUSTOMERS = 300;


    final ObjectMapper json = new ObjectMapper();

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES) // two engine starts; slow on a busy machine
    void aBackfillKilledMidwayResumesAfterTheRestartAndNobodyEntersTwice() throws Exception {
        smtp.start();
        PackagedEngine first = start("first", 40);
        String events = IntStream.range(0, CUSTOMERS).mapToObj(i -> """
                {"eventId": "kill-seg-%d", "type": "profile_updated", "customerId": "c-kill-seg-%03d", "properties": {"traits": {"killTier": "%s"}}}"""
                .formatted(i, i, i % 3 == 0 ? "gold" : "silver")).collect(Collectors.joining(", ", "[", "]"));
        HttpResponse<String> accepted = first.post("/api/events/batch", events);
        assertThat(accepted.statusCode()).as(accepted.body()).isBetween(200, 299);

        HttpResponse<String> saved = first.put("/api/segments/kill-gold", "{\"condition\": {\"attribute\": \"killTier\", \"eq\": \"gold\"}}");
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> backfill(first).path("processed").asLong() >= 60);
        first.kill();
        long processedBeforeTheKill;
        try (Connection connection = database()) {
            processedBeforeTheKill = new JdbcTemplate(new SingleConnectionDataSource(connection, true))
                    .queryForObject("select processed from segment_backfill where version = 1", Long.class);
        }
        assertThat(processedBeforeTheKill).as("killed in the middle").isLessThan(CUSTOMERS);

        PackagedEngine second = start("second", 0);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> backfill(second).hasNonNull("finishedAt"));
        second.stop();

        try (Connection connection = database()) {
            JdbcTemplate db = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
            Map<String, Integer> entered = new HashMap<>();
            db.query("select customer_id, count(*) from customer_event where type = 'segment_entered' group by customer_id",
                    (java.sql.ResultSet row) -> { entered.put(row.getString(1), row.getInt(2)); });
            assertThat(entered).as("nobody entered twice").allSatisfy((customer, count) -> assertThat(count).as(customer).isEqualTo(1));
            Map<String, Boolean> member = new HashMap<>();
            db.query("select customer_id, profile_json from customer_profile where customer_id like 'c-kill-seg-%'",
                    (java.sql.ResultSet row) -> { member.put(row.getString(1), row.getString(2).contains("\"kill-gold\"")); });
            assertThat(member).hasSize(CUSTOMERS).allSatisfy((customer, in) -> assertThat(in).as(customer)
                    .isEqualTo(Integer.parseInt(customer.substring("c-kill-seg-".length())) % 3 == 0));
            List<String> members = member.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
            assertThat(members).containsAll(entered.keySet());
            // a customer whose membership was stored in the very moment of the kill, before its event was taken in,
            // keeps the membership without the event (README "Segments and scheduled journeys", known limits)
            assertThat(entered).as("every member got segment_entered").hasSizeGreaterThanOrEqualTo(members.size() - 1);
            assertThat(db.queryForObject("select processed from segment_backfill where version = 1", Long.class))
                    .isEqualTo(db.queryForObject("select count(*) from customer_profile", Long.class));
        }
    }

    private JsonNode backfill(PackagedEngine engine) throws IOException {
        return json.readTree(engine.get("/api/segments").body()).path("backfill");
    }

    private Connection database() throws java.sql.SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + home.resolve("data/touchpoint"), "sa", "");
    }

    /** The engine with the backfill at {@code rate} customers a second (0: unthrottled), 20 a page. */
    private PackagedEngine start(String name, int rate) throws IOException {
        return start(name, "segment-backfill-kill", List.of("--touchpoint.segments.backfill-rate=" + rate, "--touchpoint.segments.backfill-page=20"));
    }
}
