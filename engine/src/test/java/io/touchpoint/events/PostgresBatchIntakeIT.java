package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.EngineIT;
import io.touchpoint.PostgresTest;

/**
 * A batch's check for repeats on PostgreSQL: planned with the batch's ids each time, never a prepared statement of
 * the server. Such a statement may keep a plan made while {@code customer_event} was nearly empty (a scan of the
 * whole table) for as long as its connection lives.
 */
@PostgresTest
class PostgresBatchIntakeIT extends EngineIT {

    static final String REPEAT_CHECK = "select event_id from customer_event where event_id in (";
    static final String PREPARED = "select count(*) from pg_prepared_statements where statement like '" + REPEAT_CHECK + "%'";

    @Autowired
    EventIntake intake;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transaction;

    @Test
    void theRepeatCheckOfABatchIsPlannedWithItsIdsEveryTime() {
        Integer prepared = transaction.execute(status -> { // one connection throughout: prepared statements are per connection
            for (int batch = 0; batch < 8; batch++) {
                List<CustomerEvent> events = IntStream.range(0, 3).mapToObj(i -> new CustomerEvent("pg-" + UUID.randomUUID(), "page_viewed",
                        "c-" + UUID.randomUUID(), Map.of(), Instant.now(), Map.of())).toList();
                assertThat(intake.acceptTogether(events)).as("batch %d went in", batch).hasValueSatisfying(outcomes ->
                        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.accepted()).isNotNull()));
            }
            return jdbc.queryForObject(PREPARED, Integer.class);
        });
        assertThat(prepared).isZero();
    }

    @Test
    void theSameQueryAsAPlainStatementBecomesAPreparedStatementOfTheServer() {
        Integer prepared = transaction.execute(status -> { // the control: what the check above rules out does happen otherwise
            for (int run = 0; run < 8; run++) {
                jdbc.queryForList(REPEAT_CHECK + "?, ?, ?)", String.class, "a", "b", "c");
            }
            return jdbc.queryForObject(PREPARED, Integer.class);
        });
        assertThat(prepared).isOne();
    }
}
