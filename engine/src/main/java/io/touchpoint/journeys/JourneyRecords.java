package io.touchpoint.journeys;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tables journey_entry, journey_goal, journey_split and journey_active: entries, conversions, A/B assignments
 * and the runs that hold a customer's (and instance key's) place in a journey.
 */
@Repository
public class JourneyRecords implements JourneySplits.Recorder {

    /** The instance key column's value for a journey without a key. */
    static final String NO_KEY = "";
    private static final int CLAIM_ATTEMPTS = 15;

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final TransactionTemplate savepoint;

    JourneyRecords(JdbcTemplate jdbc, Clock clock, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    void recordEntry(String processInstanceId, String customerId, String journeyKey, String definitionId, String instanceKey) {
        jdbc.update("insert into journey_entry (process_instance_id, customer_id, journey_key, definition_id, entered_at, instance_key) values (?, ?, ?, ?, ?, ?)",
                processInstanceId, customerId, journeyKey, definitionId, Timestamp.from(clock.instant()), instanceKey);
    }

    /** When the customer last entered the journey (with this instance key, when not null), if ever. */
    Optional<Instant> lastEntry(String customerId, String journeyKey, String instanceKey) {
        List<Timestamp> rows = instanceKey == null
                ? jdbc.queryForList("select max(entered_at) from journey_entry where customer_id = ? and journey_key = ?",
                        Timestamp.class, customerId, journeyKey)
                : jdbc.queryForList("select max(entered_at) from journey_entry where customer_id = ? and journey_key = ? and instance_key = ?",
                        Timestamp.class, customerId, journeyKey, instanceKey);
        return rows.stream().filter(java.util.Objects::nonNull).findFirst().map(Timestamp::toInstant);
    }

    /**
     * Takes the customer's (and key's) place in a journey for a run about to start, in the caller's transaction:
     * false when another run holds it, committed or not, on any node (the primary key decides; a start that
     * raced waits for the other transaction, then loses). The failed insert is rolled back to a savepoint, so the
     * caller's transaction goes on.
     */
    boolean claimRun(String journeyKey, String customerId, String instanceKey) {
        for (int attempt = 1; ; attempt++) {
            try {
                savepoint.executeWithoutResult(status -> jdbc.update(
                        "insert into journey_active (journey_key, customer_id, instance_key, started_at) values (?, ?, ?, ?)",
                        journeyKey, customerId, instanceKey, Timestamp.from(clock.instant())));
                return true;
            } catch (DuplicateKeyException | ConcurrencyFailureException taken) {
                // PostgreSQL: the key exists (the other transaction committed); H2: "concurrent update" of the row it inserted
                return false;
            } catch (QueryTimeoutException stillRunning) {
                // H2 waits LOCK_TIMEOUT (2 s) for the transaction that holds the row: wait again while it still runs
                if (attempt == CLAIM_ATTEMPTS) {
                    throw stillRunning;
                }
            }
        }
    }

    /** Names the run that holds the place taken by {@link #claimRun}. */
    void bindRun(String journeyKey, String customerId, String instanceKey, String processInstanceId) {
        jdbc.update("update journey_active set process_instance_id = ? where journey_key = ? and customer_id = ? and instance_key = ?",
                processInstanceId, journeyKey, customerId, instanceKey);
    }

    /** The run that holds a customer's (and key's) place in a journey, if any. */
    Optional<String> activeRun(String journeyKey, String customerId, String instanceKey) {
        return jdbc.queryForList("select process_instance_id from journey_active where journey_key = ? and customer_id = ? and instance_key = ?",
                String.class, journeyKey, customerId, instanceKey).stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /**
     * The same, with the row locked until the caller's transaction ends: two events updating one run take turns
     * instead of failing on the engine's optimistic lock.
     */
    Optional<String> lockActiveRun(String journeyKey, String customerId, String instanceKey) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbc.queryForList("select process_instance_id from journey_active where journey_key = ? and customer_id = ? and instance_key = ? for update",
                        String.class, journeyKey, customerId, instanceKey).stream().filter(java.util.Objects::nonNull).findFirst();
            } catch (QueryTimeoutException stillRunning) {
                if (attempt == CLAIM_ATTEMPTS) {
                    throw stillRunning;
                }
            }
        }
    }

    /**
     * Gives the place back when the run ends, however it ends; also when it ends within its start, before
     * {@link #bindRun} named it (the row then has no run yet).
     */
    void releaseRun(String journeyKey, String customerId, String instanceKey, String processInstanceId) {
        jdbc.update("delete from journey_active where journey_key = ? and customer_id = ? and instance_key = ? and (process_instance_id = ? or process_instance_id is null)",
                journeyKey, customerId, instanceKey, processInstanceId);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            endedInThisTransaction(true).add(processInstanceId);
        }
    }

    /** The key of the current transaction's set of runs that ended in it. */
    private final Object endedRuns = new Object();

    /**
     * The runs that ended in the current transaction. The engine writes a run's end at the end of its command, and
     * several events' journeys may share one command ({@link JourneyDispatcher#together}): until then the engine's
     * tables still show the run, so a start that asks them whether the customer is in the journey asks this too.
     */
    @SuppressWarnings("unchecked")
    Set<String> endedInThisTransaction(boolean create) {
        Set<String> ended = (Set<String>) TransactionSynchronizationManager.getResource(endedRuns);
        if (ended == null && create) {
            Set<String> inThisTransaction = new HashSet<>();
            TransactionSynchronizationManager.bindResource(endedRuns, inThisTransaction);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(endedRuns);
                }
            });
            ended = inThisTransaction;
        }
        return ended == null ? Set.of() : ended;
    }

    /**
     * The places of a merged customer's runs go to the surviving customer; where the survivor already holds the
     * same place (journey and key), the survivor's run keeps it and the moved run runs on without one.
     */
    void moveRuns(String fromCustomerId, String toCustomerId) {
        jdbc.update("update journey_active set customer_id = ? where customer_id = ? and not exists (select 1 from journey_active held"
                        + " where held.customer_id = ? and held.journey_key = journey_active.journey_key and held.instance_key = journey_active.instance_key)",
                toCustomerId, fromCustomerId, toCustomerId);
        jdbc.update("delete from journey_active where customer_id = ?", fromCustomerId);
    }

    /** The instance keys of a customer's keyed runs, by process instance id. */
    public Map<String, String> instanceKeys(String customerId) {
        Map<String, String> keys = new HashMap<>();
        jdbc.query("select process_instance_id, instance_key from journey_entry where customer_id = ? and instance_key is not null",
                row -> {
                    keys.put(row.getString(1), row.getString(2));
                }, customerId);
        return keys;
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

    /** A goal a run reached: the goal's step, the event that converted it and when. */
    public record Goal(String processInstanceId, String activityId, String eventType, Instant reachedAt) {
    }

    /** How many runs of a journey reached a goal since a moment. */
    public long goalsReachedSince(String journeyKey, Instant since) {
        Long count = jdbc.queryForObject("select count(*) from journey_goal where journey_key = ? and reached_at >= ?",
                Long.class, journeyKey, Timestamp.from(since));
        return count == null ? 0 : count;
    }

    /** How many runs of a journey ended since a moment without reaching a goal (the engine's history says they ended). */
    public long exitsSince(String journeyKey, Instant since) {
        Long count = jdbc.queryForObject("select count(*) from ACT_HI_PROCINST p where p.PROC_DEF_KEY_ = ? and p.END_TIME_ >= ?"
                + " and not exists (select 1 from journey_goal g where g.process_instance_id = p.PROC_INST_ID_)",
                Long.class, journeyKey, Timestamp.from(since));
        return count == null ? 0 : count;
    }

    /** The goal a run reached, if it did. */
    public Optional<Goal> goalOf(String processInstanceId) {
        return jdbc.query("select process_instance_id, goal_activity_id, event_type, reached_at from journey_goal where process_instance_id = ?",
                (row, n) -> new Goal(row.getString(1), row.getString(2), row.getString(3), row.getTimestamp(4).toInstant()),
                processInstanceId).stream().findFirst();
    }

    /** The runs among these that reached a goal, by process instance id. */
    public Map<String, Goal> goalsOf(java.util.Collection<String> processInstanceIds) {
        Map<String, Goal> goals = new HashMap<>();
        for (List<String> chunk : chunks(List.copyOf(processInstanceIds))) {
            jdbc.query("select process_instance_id, goal_activity_id, event_type, reached_at from journey_goal where process_instance_id in ("
                            + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")",
                    row -> {
                        goals.put(row.getString(1), new Goal(row.getString(1), row.getString(2), row.getString(3), row.getTimestamp(4).toInstant()));
                    }, chunk.toArray());
        }
        return goals;
    }

    /**
     * Per step of a journey: how many runs a goal pulled out while they were there (the step's visit was cancelled
     * by the goal's interrupting event sub-process or its modification).
     */
    public Map<String, Long> goalsByStepLeft(String journeyKey) {
        Map<String, Long> byStep = new HashMap<>();
        jdbc.query("select a.ACT_ID_, count(*) from journey_goal g join ACT_HI_ACTINST a on a.PROC_INST_ID_ = g.process_instance_id"
                        + " where g.journey_key = ? and a.ACT_INST_STATE_ = 2 group by a.ACT_ID_",
                row -> {
                    byStep.put(row.getString(1), row.getLong(2));
                }, journeyKey);
        return byStep;
    }

    /** Entries, goals reached and exits (runs ended without a goal) of a journey per day: {entries[], conversions[], exits[]}. */
    public long[][] perDay(String journeyKey, io.touchpoint.system.DayBuckets days) {
        int size = days.days().size();
        long[][] figures = new long[3][size];
        countPerDay(figures[0], days, "journey_entry x on x.entered_at >= days.day_start and x.entered_at < days.day_end where x.journey_key = ?", journeyKey);
        countPerDay(figures[1], days, "journey_goal x on x.reached_at >= days.day_start and x.reached_at < days.day_end where x.journey_key = ?", journeyKey);
        countPerDay(figures[2], days, "ACT_HI_PROCINST x on x.END_TIME_ >= days.day_start and x.END_TIME_ < days.day_end where x.PROC_DEF_KEY_ = ?"
                + " and not exists (select 1 from journey_goal g where g.process_instance_id = x.PROC_INST_ID_)", journeyKey);
        return figures;
    }

    private void countPerDay(long[] into, io.touchpoint.system.DayBuckets days, String joinAndWhere, String journeyKey) {
        List<Object> arguments = new java.util.ArrayList<>(days.arguments());
        arguments.add(journeyKey);
        jdbc.query("select days.day_index, count(*) from " + days.table() + " join " + joinAndWhere + " group by days.day_index",
                row -> {
                    into[row.getInt(1)] = row.getLong(2);
                }, arguments.toArray());
    }

    private static List<List<String>> chunks(List<String> ids) {
        List<List<String>> chunks = new java.util.ArrayList<>();
        for (int i = 0; i < ids.size(); i += 500) {
            chunks.add(ids.subList(i, Math.min(ids.size(), i + 500)));
        }
        return chunks;
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
