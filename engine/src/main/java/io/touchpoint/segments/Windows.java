package io.touchpoint.segments;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAmount;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The windows and ages of conditions ("P90D", "PT12H", "P1Y"), as ISO-8601 writes them, parsed once: a period of
 * days alone is that many exact days (the windows are in UTC, which has no daylight saving), months and years
 * follow the calendar.
 */
final class Windows {

    private static final Map<String, TemporalAmount> PARSED = new ConcurrentHashMap<>();

    private Windows() {
    }

    static Instant plus(Instant instant, String iso) {
        TemporalAmount amount = amount(iso);
        return amount instanceof Duration duration ? instant.plus(duration) : instant.atZone(ZoneOffset.UTC).plus(amount).toInstant();
    }

    static Instant minus(Instant instant, String iso) {
        TemporalAmount amount = amount(iso);
        return amount instanceof Duration duration ? instant.minus(duration) : instant.atZone(ZoneOffset.UTC).minus(amount).toInstant();
    }

    private static TemporalAmount amount(String iso) {
        return PARSED.computeIfAbsent(iso, text -> {
            if (text.contains("T")) {
                return Duration.parse(text);
            }
            Period period = Period.parse(text);
            return period.getYears() == 0 && period.getMonths() == 0 ? Duration.ofDays(period.getDays()) : period;
        });
    }
}
