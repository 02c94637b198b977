package io.touchpoint.journeys;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schedule of a journey entered by a segment's members at a local time (journey settings template):
 * {@code audienceSegment} (a segment id), {@code schedule} ({@code daily 09:00} or {@code once 2026-12-24T10:00}, the
 * local time of each customer's time zone) and {@code entryRate} (entries per second, default 200). Read by the same
 * code at deployment (a bad value refuses the file, naming the property) and by the scheduler.
 *
 * @param date the day of a {@code once} schedule; null for a daily one
 */
public record JourneySchedule(String segmentId, LocalTime time, LocalDate date, int entryRate) {

    public static final String AUDIENCE_SEGMENT = "audienceSegment";
    public static final String SCHEDULE = "schedule";
    public static final String ENTRY_RATE = "entryRate";
    static final int DEFAULT_ENTRY_RATE = 200;
    static final int MAX_ENTRY_RATE = 10_000;

    /** The zones where a local time comes first and last. */
    private static final ZoneOffset FIRST_ZONE = ZoneOffset.ofHours(14);
    private static final ZoneOffset LAST_ZONE = ZoneOffset.ofHours(-12);
    private static final Pattern DAILY = Pattern.compile("daily\\s+(\\d{2}:\\d{2})");
    private static final Pattern ONCE = Pattern.compile("once\\s+(\\d{4}-\\d{2}-\\d{2})T(\\d{2}:\\d{2})");
    private static final Pattern SEGMENT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    /** The schedule of a journey's settings; null when it has none. Throws {@link BlockSettings.Invalid} naming the property at fault. */
    static JourneySchedule of(Map<String, String> values) {
        String segment = BlockSettings.optional(values, AUDIENCE_SEGMENT);
        String schedule = BlockSettings.optional(values, SCHEDULE);
        if (segment == null && schedule == null) {
            return null;
        }
        if (segment == null || schedule == null) {
            throw new BlockSettings.Invalid("'" + (segment == null ? AUDIENCE_SEGMENT : SCHEDULE) + "' is empty; a scheduled journey needs both '"
                    + AUDIENCE_SEGMENT + "' and '" + SCHEDULE + "'");
        }
        if (!SEGMENT_ID.matcher(segment).matches()) {
            throw new BlockSettings.Invalid("'" + AUDIENCE_SEGMENT + "' is '" + segment + "', not a segment id (lower-case letters, digits, -)");
        }
        return new JourneySchedule(segment, time(schedule), date(schedule), entryRate(values));
    }

    private static LocalTime time(String schedule) {
        Matcher daily = DAILY.matcher(schedule);
        Matcher once = ONCE.matcher(schedule);
        try {
            if (daily.matches()) {
                return LocalTime.parse(daily.group(1));
            }
            if (once.matches()) {
                return LocalTime.parse(once.group(2));
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new BlockSettings.Invalid("'" + SCHEDULE + "' is '" + schedule + "', not 'daily HH:mm' (e.g. daily 09:00) or 'once yyyy-MM-ddTHH:mm'"
                + " (e.g. once 2026-12-24T10:00), in each customer's local time");
    }

    private static LocalDate date(String schedule) {
        Matcher once = ONCE.matcher(schedule);
        if (!once.matches()) {
            return null;
        }
        try {
            return LocalDate.parse(once.group(1));
        } catch (DateTimeParseException e) {
            throw new BlockSettings.Invalid("'" + SCHEDULE + "' is '" + schedule + "': '" + once.group(1) + "' is not a date");
        }
    }

    private static int entryRate(Map<String, String> values) {
        String rate = BlockSettings.optional(values, ENTRY_RATE);
        if (rate == null) {
            return DEFAULT_ENTRY_RATE;
        }
        try {
            int perSecond = Integer.parseInt(rate);
            if (perSecond >= 1 && perSecond <= MAX_ENTRY_RATE) {
                return perSecond;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BlockSettings.Invalid("'" + ENTRY_RATE + "' is '" + rate + "', not a whole number of entries per second from 1 to " + MAX_ENTRY_RATE);
    }

    /**
     * The occurrences (local date-times) under way at {@code now}: their local time has come in the first time zone
     * and had not passed in the last one more than {@code lateBy} ago.
     */
    List<LocalDateTime> occurrencesAt(Instant now, Duration lateBy) {
        List<LocalDateTime> candidates = new ArrayList<>();
        if (date != null) {
            candidates.add(LocalDateTime.of(date, time));
        } else {
            LocalDate today = now.atOffset(ZoneOffset.UTC).toLocalDate();
            for (int day = -2; day <= 1; day++) {
                candidates.add(LocalDateTime.of(today.plusDays(day), time));
            }
        }
        return candidates.stream()
                .filter(local -> !now.isBefore(local.toInstant(FIRST_ZONE)) && !now.isAfter(local.toInstant(LAST_ZONE).plus(lateBy)))
                .toList();
    }
}
