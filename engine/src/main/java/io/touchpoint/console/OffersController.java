package io.touchpoint.console;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.touchpoint.decisions.OfferReport;

/** How the learning offers do, for the console: per decision and offer, with the messages sent per day of the last {@code days}. */
@RestController
class OffersController {

    private final OfferReport report;
    private final Clock clock;

    OffersController(OfferReport report, Clock clock) {
        this.report = report;
        this.clock = clock;
    }

    @GetMapping("/api/console/offers")
    List<OfferReport.OfferFigures> offers(@RequestParam(defaultValue = "30") int days) {
        if (days < 1 || days > 366) {
            throw new BadParameterException("days", "is " + days + ", not from 1 to 366");
        }
        return report.figures(clock.instant().minus(Duration.ofDays(days)));
    }
}
