package io.touchpoint.console;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import org.springframework.stereotype.Component;

/** "Today" and date ranges for the console's counts, in UTC, from the engine's clock. */
@Component
public class ConsoleClock {

    private final Clock clock;

    ConsoleClock(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    public Instant startOfToday() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The start of a day given as yyyy-MM-dd, or the fallback when none is given. */
    public static Instant dayStart(String day, Instant fallback) {
        return day == null || day.isBlank() ? fallback : LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The end (exclusive) of a day given as yyyy-MM-dd, or the fallback when none is given. */
    public static Instant dayEnd(String day, Instant fallback) {
        return day == null || day.isBlank() ? fallback : LocalDate.parse(day).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
