package io.touchpoint.console;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The console's journey pages: the list with today's figures, and one journey with counts per step. */
@RestController
@RequestMapping("/api/console/journeys")
public class JourneysController {

    private final JourneyStatistics statistics;

    JourneysController(JourneyStatistics statistics) {
        this.statistics = statistics;
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
