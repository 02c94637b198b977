package io.touchpoint.console;

import java.time.Duration;
import java.time.Instant;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Analytics by channel over a date range: {@code from} and {@code to} as yyyy-MM-dd (UTC, both included), the last 7 days by default. */
@RestController
public class AnalyticsController {

    private final ChannelAnalytics analytics;
    private final ConsoleClock clock;

    AnalyticsController(ChannelAnalytics analytics, ConsoleClock clock) {
        this.analytics = analytics;
        this.clock = clock;
    }

    @GetMapping("/api/console/analytics")
    public ChannelAnalytics.Report analytics(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Instant end = ConsoleClock.dayEnd(to, clock.startOfToday().plus(Duration.ofDays(1)));
        Instant start = ConsoleClock.dayStart(from, end.minus(Duration.ofDays(7)));
        if (!start.isBefore(end)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'from' (" + from + ") must be on or before 'to' (" + to + ").");
        }
        return analytics.report(start, end);
    }
}
