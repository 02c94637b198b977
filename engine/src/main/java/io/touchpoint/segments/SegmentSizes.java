package io.touchpoint.segments;

import java.sql.Date;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.touchpoint.events.SegmentMembers;
import io.touchpoint.system.Repeating;

/**
 * Each segment's size over time: every {@code touchpoint.segments.size-every} (and at start) the members of every
 * running segment are counted ({@link SegmentMembers}, one query) and written as the row of the day (UTC) in {@code segment_size}, replacing
 * that day's earlier count; {@code GET /api/segments/{id}/sizes} answers the days with today's live count last. Every
 * node writes the same counts, so a cluster needs no coordination.
 */
@RestController
public class SegmentSizes {

    private static final Logger log = LoggerFactory.getLogger(SegmentSizes.class);
    static final int MAX_DAYS = 366;

    /** A day's member count. */
    record Size(LocalDate day, long members) {
    }

    /** A segment's members now and per day (UTC), oldest first, today last. */
    record Sizes(String segmentId, long members, List<Size> days) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final SegmentDefinitions definitions;
    private final SegmentMembers members;
    private final Clock clock;
    private final Duration every;
    private Repeating timer;

    SegmentSizes(JdbcTemplate jdbc, TransactionTemplate transaction, SegmentDefinitions definitions, SegmentMembers members,
                 Clock clock, @Value("${touchpoint.segments.size-every}") Duration every) {
        this.jdbc = jdbc;
        this.members = members;
        this.transaction = transaction;
        this.definitions = definitions;
        this.clock = clock;
        this.every = every;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer = Repeating.start("segment-sizes", Duration.ZERO, every, this::count,
                e -> log.error("TP-SEGMENT-005 Counting the members of the segments failed; the next round tries again", e));
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.close();
        }
    }

    /** Writes today's member count of every running segment; answers the counts. */
    public Map<String, Long> count() {
        Map<String, Long> counted = members.counts();
        Map<String, Long> sizes = new LinkedHashMap<>();
        definitions.current().segments().forEach(segment -> sizes.put(segment.id(), counted.getOrDefault(segment.id(), 0L)));
        Date today = Date.valueOf(today());
        transaction.executeWithoutResult(status -> {
            jdbc.update("delete from segment_size where counted_on = ?", today);
            jdbc.batchUpdate("insert into segment_size (segment_id, counted_on, members) values (?, ?, ?)",
                    sizes.entrySet().stream().map(e -> new Object[] {e.getKey(), today, e.getValue()}).toList());
        });
        return sizes;
    }

    @GetMapping("/api/segments/{id}/sizes")
    Sizes sizes(@PathVariable String id, @RequestParam(defaultValue = "30") int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "days: must be from 1 to " + MAX_DAYS + ", not " + days);
        }
        if (definitions.current().segments().stream().noneMatch(segment -> segment.id().equals(id))) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no segment '" + id + "'");
        }
        LocalDate today = today();
        Map<LocalDate, Long> counted = new HashMap<>();
        jdbc.query("select counted_on, members from segment_size where segment_id = ? and counted_on > ? and counted_on < ?",
                row -> { counted.put(row.getDate(1).toLocalDate(), row.getLong(2)); },
                id, Date.valueOf(today.minusDays(days)), Date.valueOf(today));
        long now = members.count(id);
        List<Size> sizes = new ArrayList<>();
        for (LocalDate day = today.minusDays(days - 1L); day.isBefore(today); day = day.plusDays(1)) {
            if (counted.containsKey(day)) {
                sizes.add(new Size(day, counted.get(day)));
            }
        }
        sizes.add(new Size(today, now));
        return new Sizes(id, now, sizes);
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
