package io.touchpoint.journeys;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Gauges of the engine's backlog an operator alerts on: {@code touchpoint.incidents.open} (incidents waiting for an
 * operator), {@code touchpoint.jobs.due} (due jobs with retries left that no job executor holds: the backlog) and
 * {@code touchpoint.timers.lateness} (seconds since the oldest due timer was due; 0 when none is late). Read from the
 * engine's tables by two cheap queries, at most once every {@link #FRESH_FOR} however often they are scraped. They
 * describe the shared database: every node reports the same values.
 */
@Component
class EngineBacklogMetrics {

    static final Duration FRESH_FOR = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(EngineBacklogMetrics.class);

    /** What the queries found; NaN when the database could not be read. */
    record Backlog(double incidentsOpen, double jobsDue, double timerLatenessSeconds) {
        static final Backlog UNKNOWN = new Backlog(Double.NaN, Double.NaN, Double.NaN);
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final String countIncidents;
    private final String jobBacklog;
    private Backlog last;
    private long readAtNanos;

    EngineBacklogMetrics(MeterRegistry registry, JdbcTemplate jdbc, ManagementService management, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.countIncidents = "select count(*) from " + management.getTableName(Incident.class);
        // as the job executor acquires: retries left, due, active; unlocked (or its lock expired) for the backlog
        this.jobBacklog = "select count(case when LOCK_OWNER_ is null or LOCK_EXP_TIME_ < ? then 1 end),"
                + " min(case when TYPE_ = 'timer' then DUEDATE_ end) from " + management.getTableName(Job.class)
                + " where RETRIES_ > 0 and (DUEDATE_ is null or DUEDATE_ <= ?) and (SUSPENSION_STATE_ is null or SUSPENSION_STATE_ = 1)";
        gauge(registry, "touchpoint.incidents.open", "Open incidents: failed journey steps waiting for an operator", null, Backlog::incidentsOpen);
        gauge(registry, "touchpoint.jobs.due", "Due jobs (timers, send steps) that no job executor holds yet", null, Backlog::jobsDue);
        gauge(registry, "touchpoint.timers.lateness", "How long ago the oldest due timer was due", "seconds", Backlog::timerLatenessSeconds);
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit, ToDoubleFunction<Backlog> value) {
        Gauge.builder(name, this, metrics -> value.applyAsDouble(metrics.backlog())).description(description).baseUnit(unit)
                .strongReference(true).register(registry);
    }

    /** The last reading, read again when it is older than {@link #FRESH_FOR}. */
    synchronized Backlog backlog() {
        long now = System.nanoTime();
        if (last == null || now - readAtNanos >= FRESH_FOR.toNanos()) {
            last = read();
            readAtNanos = now;
        }
        return last;
    }

    private Backlog read() {
        Instant now = clock.instant();
        Timestamp at = Timestamp.from(now);
        try {
            Long incidents = jdbc.queryForObject(countIncidents, Long.class);
            return jdbc.queryForObject(jobBacklog, (row, index) -> {
                Timestamp oldestTimer = row.getTimestamp(2);
                double lateness = oldestTimer == null ? 0 : Math.max(0, Duration.between(oldestTimer.toInstant(), now).toMillis() / 1000.0);
                return new Backlog(incidents == null ? 0 : incidents, row.getLong(1), lateness);
            }, at, at);
        } catch (DataAccessException unreadable) {
            log.warn("The engine's incidents and jobs could not be read for the metrics: {}", unreadable.getMessage());
            return Backlog.UNKNOWN;
        }
    }
}
