package io.touchpoint.journeys;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The tables journey_entry, journey_goal and journey_split: entries, conversions and A/B assignments. */
@Repository
public class JourneyRecords implements JourneySplits.Recorder {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    JourneyRecords(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void recordEntry(String processInstanceId, String customerId, String journeyKey, String definitionId) {
        jdbc.update("insert into journey_entry (process_instance_id, customer_id, journey_key, definition_id, entered_at) values (?, ?, ?, ?, ?)",
                processInstanceId, customerId, journeyKey, definitionId, Timestamp.from(clock.instant()));
    }

    /** When the customer last entered the journey, if ever. */
    Optional<Instant> lastEntry(String customerId, String journeyKey) {
        List<Timestamp> rows = jdbc.queryForList("select max(entered_at) from journey_entry where customer_id = ? and journey_key = ?",
                Timestamp.class, customerId, journeyKey);
        return rows.stream().filter(java.util.Objects::nonNull).findFirst().map(Timestamp::toInstant);
    }

    void recordGoal(String processInstanceId, String customerId, String journeyKey, String goalActivityId, String eventType, String eventId) {
        jdbc.update("insert into journey_goal (process_instance_id, customer_id, journey_key, goal_activity_id, event_type, event_id, reached_at) values (?, ?, ?, ?, ?, ?, ?)",
                processInstanceId, customerId, journeyKey, goalActivityId, eventType, eventId, Timestamp.from(clock.instant()));
    }

    /** How many customers reached the goal of a journey. */
    public long goalsReached(String journeyKey) {
        Long count = jdbc.queryForObject("select count(*) from journey_goal where journey_key = ?", Long.class, journeyKey);
        return count == null ? 0 : count;
    }

    @Override
    public void record(String customerId, String journeyKey, String splitId, String variant) {
        // the same customer passing the split again (re-entry) gets the same variant: the first record stays
        jdbc.update("insert into journey_split (customer_id, journey_key, split_id, variant, assigned_at) select ?, ?, ?, ?, ? "
                        + "where not exists (select 1 from journey_split where customer_id = ? and journey_key = ? and split_id = ?)",
                customerId, journeyKey, splitId, variant, Timestamp.from(clock.instant()), customerId, journeyKey, splitId);
    }

    /** The recorded variant of a customer at a split. */
    public Optional<String> variant(String customerId, String journeyKey, String splitId) {
        return jdbc.queryForList("select variant from journey_split where customer_id = ? and journey_key = ? and split_id = ?",
                String.class, customerId, journeyKey, splitId).stream().findFirst();
    }
}
