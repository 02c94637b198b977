package io.touchpoint.journeys;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.events.CustomerEvent;
import io.touchpoint.events.EventIntake;
import io.touchpoint.events.SegmentMembers;
import io.touchpoint.profiles.ProfileService;
import io.touchpoint.system.Repeating;

/**
 * Enters the members of a scheduled journey's segment at the schedule's local time in each member's time zone
 * (profile {@code timeZone}, else UTC). When an occurrence's local time comes in the first time zone (UTC+14), the
 * occurrence is planned: the segment's members then, each with the moment the local time comes for them, in
 * {@code scheduled_entry}. Every {@code touchpoint.schedules.check-every} the oldest member of the cluster enters
 * the planned members that are due by the engine clock, at most the journey's {@code entryRate} a second, by taking
 * in an event of the journey's start message through the normal intake (so re-entry settings hold as for any start).
 * The event's id follows from journey, occurrence and customer: after a crash the rows left are entered again and
 * the intake's event-id check lets nobody in twice.
 */
@Component
class ScheduledEntries {

    private static final Logger log = LoggerFactory.getLogger(ScheduledEntries.class);
    /** Members per intake transaction; a round reads this many per intake thread (at most a second's worth of the journey's rate). */
    private static final int BATCH = 100;
    /** Profiles read at a time for their time zones. */
    private static final int ZONE_PAGE = 1_000;
    /** The event properties of a scheduled entry. */
    static final String JOURNEY = "scheduledJourney";
    static final String OCCURRENCE = "occurrence";
    static final String SEGMENT = "audienceSegment";

    private final JourneyTriggers triggers;
    private final SegmentMembers members;
    private final ProfileService profiles;
    private final EventIntake intake;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final HazelcastInstance hazelcast;
    private final Clock clock = new EngineClock();
    private final Duration every;
    private final Duration lateBy;
    private Repeating timer;
    /** Takes in the parts of a read beside the round's own thread, each part's customers apart from the others'. */
    private final ExecutorService intakeThreads;
    private final int threads;
    private volatile boolean stopping;

    ScheduledEntries(JourneyTriggers triggers, SegmentMembers members, ProfileService profiles, EventIntake intake, JdbcTemplate jdbc,
                     PlatformTransactionManager transactions, HazelcastInstance hazelcast,
                     @Value("${touchpoint.schedules.check-every:PT5S}") Duration every,
                     @Value("${touchpoint.schedules.late-by:PT2H}") Duration lateBy,
                     @Value("${touchpoint.schedules.intake-threads:2}") int threads) {
        this.threads = Math.max(1, threads);
        this.intakeThreads = Executors.newFixedThreadPool(this.threads, runnable -> {
            Thread thread = new Thread(runnable, "scheduled-entries-intake");
            thread.setDaemon(true);
            return thread;
        });
        this.triggers = triggers;
        this.members = members;
        this.profiles = profiles;
        this.intake = intake;
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.hazelcast = hazelcast;
        this.every = every;
        this.lateBy = lateBy;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer = Repeating.start("scheduled-entries", every, every, this::runDue,
                e -> log.error("TP-SCHEDULE-001 Entering the members of scheduled journeys failed; the next round goes on where this one stopped", e));
    }

    @PreDestroy
    void stop() {
        stopping = true;
        if (timer != null) {
            timer.close();
        }
        intakeThreads.shutdownNow();
    }

    /** One round: plans the occurrences that began, then enters the members due by now. Only on the oldest member of the cluster. */
    synchronized void runDue() {
        if (!hazelcast.getCluster().getMembers().iterator().next().localMember()) {
            return;
        }
        Instant now = clock.instant();
        for (JourneyTriggers.Scheduled journey : triggers.scheduled()) {
            for (LocalDateTime occurrence : journey.schedule().occurrencesAt(now, lateBy)) {
                planIfNew(journey, occurrence.toString(), occurrence, now);
            }
        }
        for (JourneyTriggers.Scheduled journey : triggers.scheduled()) {
            enterDue(journey);
        }
    }

    /** Plans an occurrence once: each member of the segment now, with the moment the local time comes in its zone. */
    private void planIfNew(JourneyTriggers.Scheduled journey, String occurrence, LocalDateTime local, Instant now) {
        if (jdbc.queryForObject("select count(*) from scheduled_occurrence where journey_key = ? and occurrence = ?", Integer.class,
                journey.definitionKey(), occurrence) > 0) {
            return;
        }
        String segment = journey.schedule().segmentId();
        List<String> audience = members.all(segment);
        Map<String, String> zones = new HashMap<>();
        for (int from = 0; from < audience.size(); from += ZONE_PAGE) {
            zones.putAll(profiles.timeZones(audience.subList(from, Math.min(audience.size(), from + ZONE_PAGE))));
        }
        List<Object[]> entries = new ArrayList<>();
        long passedOver = 0;
        for (String customerId : audience) {
            Instant due = local.atZone(zone(zones.get(customerId))).toInstant();
            if (due.plus(lateBy).isBefore(now)) {
                passedOver++; // its local time passed longer ago than late-by: not entered late
            } else {
                entries.add(new Object[] {journey.definitionKey(), occurrence, customerId, Timestamp.from(due)});
            }
        }
        long skipped = passedOver;
        try {
            transaction.executeWithoutResult(status -> {
                jdbc.update("insert into scheduled_occurrence (journey_key, occurrence, segment_id, planned, passed_over, planned_at) values (?, ?, ?, ?, ?, ?)",
                        journey.definitionKey(), occurrence, segment, entries.size(), skipped, Timestamp.from(now));
                for (int from = 0; from < entries.size(); from += ZONE_PAGE) {
                    jdbc.batchUpdate("insert into scheduled_entry (journey_key, occurrence, customer_id, due_at) values (?, ?, ?, ?)",
                            entries.subList(from, Math.min(entries.size(), from + ZONE_PAGE)));
                }
            });
        } catch (DuplicateKeyException plannedMeanwhile) {
            return;
        }
        log.info("TP-SCHEDULE-002 Journey {} occurrence {} planned: {} member(s) of segment {} to enter at {} local time{}", journey.definitionKey(),
                occurrence, entries.size(), segment, local.toLocalTime(), skipped == 0 ? "" : ", " + skipped + " passed over (their time was more than " + lateBy + " ago)");
    }

    private static ZoneId zone(String timeZone) {
        try {
            return timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
        } catch (DateTimeException unknown) {
            return ZoneOffset.UTC;
        }
    }

    /** How far an occurrence got: members planned, entered, passed over (left the segment, too late, refused) and still to enter. */
    record Progress(String journeyKey, String occurrence, String segmentId, long planned, long entered, long passedOver, long left,
                    Instant plannedAt, Instant finishedAt) {
    }

    /** The occurrences planned, newest first (at most {@code limit}). */
    List<Progress> progress(int limit) {
        return jdbc.query("select o.journey_key, o.occurrence, o.segment_id, o.planned, o.entered, o.passed_over, o.planned_at, o.finished_at,"
                        + " (select count(*) from scheduled_entry e where e.journey_key = o.journey_key and e.occurrence = o.occurrence)"
                        + " from scheduled_occurrence o order by o.planned_at desc, o.journey_key, o.occurrence fetch first " + limit + " rows only",
                (row, n) -> new Progress(row.getString(1), row.getString(2), row.getString(3), row.getLong(4), row.getLong(5), row.getLong(6),
                        row.getLong(9), row.getTimestamp(7).toInstant(), row.getTimestamp(8) == null ? null : row.getTimestamp(8).toInstant()));
    }

    /** A planned entry: the occurrence, the member and when it is due. */
    private record Entry(String occurrence, String customerId, Instant due) {
    }

    /** Enters the planned members due by now, oldest due first, at most the journey's entry rate a second. */
    private void enterDue(JourneyTriggers.Scheduled journey) {
        int rate = journey.schedule().entryRate();
        int batch = Math.min(BATCH * threads, rate);
        long startedNanos = System.nanoTime();
        long done = 0;
        while (!stopping) {
            Instant now = clock.instant();
            List<Entry> due = jdbc.query("select occurrence, customer_id, due_at from scheduled_entry where journey_key = ? and due_at <= ?"
                            + " order by due_at, customer_id fetch first " + batch + " rows only",
                    (row, n) -> new Entry(row.getString(1), row.getString(2), row.getTimestamp(3).toInstant()),
                    journey.definitionKey(), Timestamp.from(now));
            if (due.isEmpty()) {
                return;
            }
            enter(journey, due, now);
            done += due.size();
            if (!pace(startedNanos, done, rate)) {
                return;
            }
        }
    }

    /** Takes in the entries' events (members still in the segment, not late), then deletes the entries and counts them, in one transaction. */
    private void enter(JourneyTriggers.Scheduled journey, List<Entry> due, Instant now) {
        Set<String> stillMembers = members.which(journey.schedule().segmentId(), due.stream().map(Entry::customerId).toList());
        List<CustomerEvent> events = new ArrayList<>();
        Map<String, long[]> counts = new LinkedHashMap<>(); // occurrence → {entered, passed over}
        for (Entry entry : due) {
            long[] count = counts.computeIfAbsent(entry.occurrence(), o -> new long[2]);
            if (stillMembers.contains(entry.customerId()) && !entry.due().plus(lateBy).isBefore(now)) {
                events.add(event(journey, entry));
                count[0]++;
            } else {
                count[1]++;
            }
        }
        int failed = takeIn(events);
        if (failed > 0) {
            log.warn("TP-SCHEDULE-003 {} of {} scheduled entries into journey {} could not be taken in (see the intake's errors); they are passed over",
                    failed, events.size(), journey.definitionKey());
        }
        transaction.executeWithoutResult(status -> {
            jdbc.batchUpdate("delete from scheduled_entry where journey_key = ? and occurrence = ? and customer_id = ?",
                    due.stream().map(entry -> new Object[] {journey.definitionKey(), entry.occurrence(), entry.customerId()}).toList());
            counts.forEach((occurrence, count) -> {
                jdbc.update("update scheduled_occurrence set entered = entered + ?, passed_over = passed_over + ? where journey_key = ? and occurrence = ?",
                        count[0], count[1], journey.definitionKey(), occurrence);
                jdbc.update("update scheduled_occurrence set finished_at = ? where journey_key = ? and occurrence = ? and finished_at is null"
                                + " and not exists (select 1 from scheduled_entry e where e.journey_key = ? and e.occurrence = ?)",
                        Timestamp.from(now), journey.definitionKey(), occurrence, journey.definitionKey(), occurrence);
            });
        });
    }

    /**
     * The events in {@link #threads} parts at once (a customer's events in one part), each part in one intake
     * transaction; answers how many could not be taken in.
     */
    private int takeIn(List<CustomerEvent> events) {
        List<List<CustomerEvent>> parts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            parts.add(new ArrayList<>());
        }
        events.forEach(event -> parts.get(Math.floorMod(event.customerId().hashCode(), threads)).add(event));
        List<Future<Integer>> others = new ArrayList<>();
        for (List<CustomerEvent> part : parts.subList(1, threads)) {
            others.add(intakeThreads.submit(() -> takeInTogether(part)));
        }
        int failed = takeInTogether(parts.get(0));
        for (Future<Integer> other : others) {
            try {
                failed += other.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped while scheduled entries were being taken in", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("scheduled entries could not be taken in", e.getCause());
            }
        }
        return failed;
    }

    /** The events in one intake transaction, else one by one; answers how many could not be taken in. */
    private int takeInTogether(List<CustomerEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        Optional<List<EventIntake.Outcome>> together = EventIntake.mayMerge(events.get(0)) ? Optional.empty() : intake.acceptTogether(events);
        if (together.isPresent()) {
            return (int) together.get().stream().filter(outcome -> outcome.refusal() != null).count();
        }
        int failed = 0;
        for (CustomerEvent event : events) {
            try {
                intake.accept(event);
            } catch (RuntimeException e) {
                failed++;
                log.error("TP-SCHEDULE-004 Scheduled entry {} of customer {} could not be taken in", event.eventId(), event.customerId(), e);
            }
        }
        return failed;
    }

    /** The event that enters one member: the journey's start message, its id fixed by journey, occurrence and customer. */
    private static CustomerEvent event(JourneyTriggers.Scheduled journey, Entry entry) {
        String identity = journey.definitionKey() + "\n" + entry.occurrence() + "\n" + entry.customerId();
        String eventId = "sched-" + UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8));
        return new CustomerEvent(eventId, journey.startMessage(), entry.customerId(), Map.of(), entry.due(),
                Map.of(JOURNEY, journey.definitionKey(), OCCURRENCE, entry.occurrence(), SEGMENT, journey.schedule().segmentId()));
    }

    /** Waits until {@code done} entries at {@code rate} a second since {@code startedNanos} are due; false when stopping. */
    private boolean pace(long startedNanos, long done, int rate) {
        long waitNanos = startedNanos + done * 1_000_000_000L / rate - System.nanoTime();
        if (waitNanos <= 0) {
            return !stopping;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
            return !stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
