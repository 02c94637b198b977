package io.touchpoint.journeys;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** How far the scheduled journeys' occurrences got (viewer): planned, entered, passed over, left to enter. */
@RestController
class JourneySchedulesController {

    private static final int SHOWN = 200;

    private final ScheduledEntries schedules;

    JourneySchedulesController(ScheduledEntries schedules) {
        this.schedules = schedules;
    }

    @GetMapping("/api/journeys/schedules")
    List<ScheduledEntries.Progress> occurrences() {
        return schedules.progress(SHOWN);
    }
}
