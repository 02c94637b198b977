package io.touchpoint.segments;

import java.time.Duration;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.ProfileService;
import io.touchpoint.system.Repeating;

/**
 * Makes time-based conditions ("no order for 60 days") come true without an event: each profile holds when its
 * segments may next change by time alone, indexed in the database; every {@code touchpoint.segments.recheck-every}
 * this node evaluates again the customers it owns that are due by now, a batch at a time, the longest due first.
 * No profile that is not due is read.
 */
@Component
class SegmentRechecks {

    private static final Logger log = LoggerFactory.getLogger(SegmentRechecks.class);

    private final ProfileService profiles;
    private final Duration every;
    private final int batch;
    private Repeating timer;

    SegmentRechecks(ProfileService profiles, @Value("${touchpoint.segments.recheck-every}") Duration every,
                    @Value("${touchpoint.segments.recheck-batch}") int batch) {
        this.profiles = profiles;
        this.every = every;
        this.batch = batch;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer = Repeating.start("segment-rechecks", every, every, this::recheckDue,
                e -> log.error("TP-SEGMENT-003 Re-checking the segments of due customers failed; the next round tries again", e));
    }

    /** Re-checks every customer due by now, batch after batch; answers how many. */
    int recheckDue() {
        int total = 0;
        for (int checked = profiles.recheckDueSegments(batch); checked > 0; checked = profiles.recheckDueSegments(batch)) {
            total += checked;
            if (checked < batch) {
                break;
            }
        }
        if (total > 0) {
            log.info("Re-checked the segments of {} customer(s) whose time-based conditions were due", total);
        }
        return total;
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.close();
        }
    }
}
