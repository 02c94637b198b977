package io.touchpoint.segments;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.touchpoint.events.EventHistory;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;
import io.touchpoint.profiles.ProfileStore;
import io.touchpoint.profiles.SegmentMembership;

/**
 * Evaluates a new segment version over every stored customer in the background, so that customers who changed
 * nothing since are in the segments they meet: the stored profiles are streamed from the database a page at a time
 * (not through the cache, in the order the database keeps them), the event counters of the page's customers are
 * counted again from their recorded events (one query a page), and each profile is evaluated in memory by the
 * segments live membership uses. Only a customer whose membership that changes is evaluated again where the profile
 * is kept, as a live change would be (segment events included). Progress is written after each page
 * ({@code segment_backfill}: the last customer done); a restart resumes the running version's backfill after that
 * customer. A newer version stops an older backfill and starts its own. One thread, at most
 * {@code touchpoint.segments.backfill-rate} customers a second: intake goes on meanwhile.
 */
@Component
class SegmentBackfill {

    private static final Logger log = LoggerFactory.getLogger(SegmentBackfill.class);

    private final SegmentDefinitions definitions;
    private final ProfileStore store;
    private final ProfileService profiles;
    private final EventHistory events;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    /** Customers evaluated per second at most (0: no limit). */
    private final long rate;
    /** Customers read, evaluated and recorded as done at a time. */
    private final int pageSize;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "segment-backfill");
        thread.setDaemon(true);
        return thread;
    });

    /** Held by the node that runs a backfill: one at a time in the cluster. */
    private final com.hazelcast.map.IMap<String, Boolean> running;

    SegmentBackfill(SegmentDefinitions definitions, ProfileStore store, ProfileService profiles, EventHistory events, JdbcTemplate jdbc,
                    ObjectMapper json, Clock clock, com.hazelcast.core.HazelcastInstance hazelcast,
                    @Value("${touchpoint.segments.backfill-rate:50000}") long rate, @Value("${touchpoint.segments.backfill-page:2000}") int page) {
        this.rate = rate;
        this.pageSize = Math.max(1, page);
        this.running = hazelcast.getMap("segment-backfill");
        this.definitions = definitions;
        this.store = store;
        this.profiles = profiles;
        this.events = events;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        definitions.onSaved(version -> start());
    }

    /** How far the backfill of a version got. */
    record Progress(long version, long processed, long total, Instant startedAt, Instant finishedAt) {
    }

    /** At start: resumes the running version's backfill, or starts it when it never ran. */
    @EventListener(ApplicationReadyEvent.class)
    void resume() {
        start();
    }

    /** Backfills the running version unless that is done. */
    void start() {
        worker.submit(() -> {
            if (!running.tryLock("backfill")) {
                return; // another node backfills; it goes on to the newest version when it is done
            }
            try {
                SegmentSet segments;
                do {
                    segments = definitions.current();
                    run(segments);
                } while (definitions.current().version() != segments.version());
            } catch (RuntimeException e) {
                log.error("TP-SEGMENT-004 The backfill of the segments stopped; it resumes at the next start or change", e);
            } finally {
                running.unlock("backfill");
            }
        });
    }

    /** The backfill of the running version (empty before it started). */
    Optional<Progress> progress() {
        return jdbc.query("select version, processed, total, started_at, finished_at from segment_backfill where version = ?",
                (row, n) -> new Progress(row.getLong(1), row.getLong(2), row.getLong(3), row.getTimestamp(4).toInstant(),
                        row.getTimestamp(5) == null ? null : row.getTimestamp(5).toInstant()), Math.max(definitions.current().version(), 0))
                .stream().findFirst();
    }

    private void run(SegmentSet segments) {
        long version = Math.max(segments.version(), 0);
        List<Map<String, Object>> state = jdbc.queryForList("select after_customer_id, processed, finished_at from segment_backfill where version = ?", version);
        if (!state.isEmpty() && state.get(0).get("finished_at") != null) {
            return;
        }
        if (state.isEmpty() && segments.version() <= 0 && segments.segments().isEmpty()) {
            jdbc.update("insert into segment_backfill (version, after_customer_id, processed, total, started_at, finished_at) values (?, null, 0, 0, ?, ?)",
                    version, Timestamp.from(clock.instant()), Timestamp.from(clock.instant()));
            return; // no segment was ever defined: no profile holds any membership to change
        }
        String after = state.isEmpty() ? null : (String) state.get(0).get("after_customer_id");
        long processed = state.isEmpty() ? 0 : ((Number) state.get(0).get("processed")).longValue();
        String position = after == null ? null : store.scanPositionOf(after);
        if (state.isEmpty()) {
            jdbc.update("insert into segment_backfill (version, after_customer_id, processed, total, started_at) values (?, null, 0, ?, ?)",
                    version, store.count(null), Timestamp.from(clock.instant()));
            log.info("Backfill of segment version {} started", version);
        } else if (after != null && position == null) {
            processed = 0; // the last customer done is gone (erased, merged away): start again, what is done changes nothing
            log.info("Backfill of segment version {} starts again: the customer it stopped after is gone", version);
        } else {
            log.info("Backfill of segment version {} resumed after {} customers", version, processed);
        }
        long changed = 0;
        long evaluated = 0;
        long started = System.nanoTime();
        while (true) {
            List<CustomerProfile> page = new ArrayList<>(pageSize);
            position = store.scanForSegments(position, null, pageSize, page::add);
            if (page.isEmpty()) {
                break;
            }
            if (definitions.current().version() != segments.version()) {
                log.info("Backfill of segment version {} stopped: version {} replaces it", version, definitions.current().version());
                return;
            }
            changed += evaluate(segments, page);
            after = page.get(page.size() - 1).customerId();
            processed += page.size();
            if (jdbc.update("update segment_backfill set after_customer_id = ?, processed = ? where version = ?", after, processed, version) == 0) {
                jdbc.update("insert into segment_backfill (version, after_customer_id, processed, total, started_at) values (?, ?, ?, ?, ?)",
                        version, after, processed, store.count(null), Timestamp.from(clock.instant())); // its row went with an erased customer
            }
            evaluated += page.size();
            keepToRate(evaluated, started);
        }
        jdbc.update("update segment_backfill set finished_at = ?, total = ? where version = ?", Timestamp.from(clock.instant()), processed, version);
        log.info("Backfill of segment version {} finished: {} customers evaluated, {} of them changed", version, processed, changed);
    }

    /** Evaluates a page of stored profiles; the customers whose membership changes are evaluated where their profile is kept. Answers how many. */
    private int evaluate(SegmentSet segments, List<CustomerProfile> page) {
        Map<String, Map<String, List<Instant>>> recounted = recount(segments, page.stream().map(CustomerProfile::customerId).toList());
        Instant now = clock.instant();
        int changed = 0;
        for (CustomerProfile profile : page) {
            Map<String, List<Instant>> counted = recounted.getOrDefault(profile.customerId(), Map.of());
            if (changes(segments, profile, counted, now)) {
                profiles.recheckSegments(profile.customerId(), counted);
                changed++;
            }
        }
        return changed;
    }

    /**
     * Whether evaluating the stored profile now, with its counters completed by the recounted events, changes its
     * membership (segments joined, counters, re-check time): only then is the customer evaluated again where the
     * profile is kept ({@link ProfileService#recheckSegments}), which applies the change and publishes what moved.
     */
    static boolean changes(SegmentSet segments, CustomerProfile stored, Map<String, List<Instant>> recounted, Instant now) {
        SegmentMembership before = stored.segments();
        CustomerProfile counted = recounted.isEmpty() ? stored : stored.withSegments(before.withRecounted(recounted));
        return !segments.evaluate(counted, null, now).equals(before);
    }

    /** Waits as long as the backfill ran ahead of {@code touchpoint.segments.backfill-rate} (0: no limit). */
    private void keepToRate(long evaluated, long startedNanos) {
        if (rate <= 0) {
            return;
        }
        long aheadNanos = startedNanos + evaluated * 1_000_000_000L / rate - System.nanoTime();
        if (aheadNanos > 0) {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(aheadNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the backfill was interrupted", e);
            }
        }
    }

    /** For each customer of the page, the moments of their recorded events that each event condition counts. */
    private Map<String, Map<String, List<Instant>>> recount(SegmentSet segments, List<String> customerIds) {
        Map<String, Condition.EventCount> conditions = segments.eventCounts();
        if (conditions.isEmpty()) {
            return Map.of();
        }
        Instant now = clock.instant();
        Instant from = conditions.values().stream().map(condition -> condition.cutoff(now)).min(Instant::compareTo).orElse(now);
        List<String> types = conditions.values().stream().map(Condition.EventCount::type).distinct().toList();
        Map<String, Map<String, List<Instant>>> recounted = new HashMap<>();
        for (EventHistory.Recorded event : events.ofCustomers(customerIds, types, from)) {
            Map<String, Object> properties = properties(event.payload());
            conditions.forEach((key, condition) -> {
                if (!event.occurredAt().isBefore(condition.cutoff(now)) && condition.counts(event.type(), properties, now)) {
                    recounted.computeIfAbsent(event.customerId(), id -> new HashMap<>()).computeIfAbsent(key, k -> new ArrayList<>())
                            .add(event.occurredAt());
                }
            });
        }
        return recounted;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> properties(String payload) {
        try {
            JsonNode properties = json.readTree(payload).path("properties");
            return properties.isObject() ? json.convertValue(properties, Map.class) : Map.of();
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
