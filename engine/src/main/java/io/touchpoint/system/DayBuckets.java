package io.touchpoint.system;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The days of a date range in a time zone, as a derived table for SQL that counts rows per day with one
 * {@code group by}: {@code join <table()> on t.at >= days.day_start and t.at < days.day_end ... group by days.day_index}.
 * Each day is its own [start, end) in the zone, so a day with a daylight-saving change has 23 or 25 hours.
 *
 * @param zone the time zone the days are in
 * @param from the first day
 * @param to   the last day (included)
 */
public record DayBuckets(ZoneId zone, LocalDate from, LocalDate to) {

    /** The longest range a figure per day is counted for. */
    public static final int MAX_DAYS = 366;

    public DayBuckets {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("the range ends (" + to + ") before it starts (" + from + ")");
        }
        if (from.plusDays(MAX_DAYS).isBefore(to.plusDays(1))) {
            throw new IllegalArgumentException("the range from " + from + " to " + to + " is longer than " + MAX_DAYS + " days");
        }
    }

    /** The days, first to last. */
    public List<LocalDate> days() {
        return from.datesUntil(to.plusDays(1)).toList();
    }

    /** The start of the first day. */
    public Instant start() {
        return from.atStartOfDay(zone).toInstant();
    }

    /** The end (exclusive) of the last day. */
    public Instant end() {
        return to.plusDays(1).atStartOfDay(zone).toInstant();
    }

    /** A derived table {@code days(day_index, day_start, day_end)}, one row per day; its parameters are {@link #arguments()}. */
    public String table() {
        StringBuilder values = new StringBuilder("(values ");
        for (int i = 0; i < days().size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(").append(i).append(", cast(? as timestamp), cast(? as timestamp))");
        }
        return values.append(") days(day_index, day_start, day_end)").toString();
    }

    /** The start and end of each day, in the order {@link #table()} wants them. */
    public List<Object> arguments() {
        List<Object> arguments = new ArrayList<>();
        for (LocalDate day : days()) {
            arguments.add(Timestamp.from(day.atStartOfDay(zone).toInstant()));
            arguments.add(Timestamp.from(day.plusDays(1).atStartOfDay(zone).toInstant()));
        }
        return arguments;
    }
}
