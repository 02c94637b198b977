package io.touchpoint.console;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The console's journey pages: the list with today's figures, one journey with counts per step, and its figures per day. */
@RestController
@RequestMapping("/api/console/journeys")
public class JourneysController {

    private final JourneyStatistics statistics;
    private final OverTime overTime;

    JourneysController(JourneyStatistics statistics, OverTime overTime) {
        this.statistics = statistics;
        this.overTime = overTime;
    }

    /** Entries, conversions, exits and messages per day of {@code from}..{@code to} (yyyy-MM-dd) in {@code zone} (UTC by default). */
    @GetMapping("/{key}/over-time")
    public OverTime.JourneyReport overTime(@PathVariable String key, @RequestParam(required = false) String from,
                                           @RequestParam(required = false) String to, @RequestParam(required = false) String zone) {
        var range = overTime.range(from, to, zone);
        if (!statistics.isDeployed(key)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No journey with key '" + key + "' is deployed.");
        }
        return overTime.journey(key, range);
    }

    @GetMapping
    public List<JourneyStatistics.JourneySummary> journeys() {
        return statistics.journeys();
    }

    @GetMapping("/{key}")
    public JourneyStatistics.JourneyDetail journey(@PathVariable String key) {
        JourneyStatistics.JourneyDetail journey = statistics.journey(key);
        if (journey == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No journey with key '" + key + "' is deployed.");
        }
        return journey;
    }
}
