package io.touchpoint.journeys;

import static io.touchpoint.journeys.BlockSettings.optional;
import static io.touchpoint.journeys.BlockSettings.required;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The "Wait until date" block as filled in: where the date comes from (a profile attribute, a property of the event
 * that started the journey, or of the latest event of the run), an {@link IsoOffset} and an optional local time of
 * day. Read by the same code at deployment (the compiler), in the timer expression and when the wait is re-planned.
 * The former "Wait until profile date" block ({@code waitUntilProfileDate}) is this block with the profile as source.
 */
record DateWaitBlock(Source source, String field, IsoOffset offset, LocalTime timeOfDay) {

    /** Where the date is read. */
    enum Source {
        PROFILE("profile"), TRIGGER("trigger"), LAST_EVENT("lastEvent");

        final String id;

        Source(String id) {
            this.id = id;
        }

        static Source of(String id) {
            return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst().orElseThrow(() -> new BlockSettings.Invalid(
                    "'source' is '" + id + "', not one of " + Arrays.stream(values()).map(s -> s.id).toList()));
        }
    }

    /** An attribute name, or an event property path such as {@code departureAt} or {@code flight.departureAt}. */
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    /**
     * The block's camunda:property values: {@code source}, {@code attribute} (the attribute or event property, so named
     * since the block read only the profile), {@code offset}, {@code timeOfDay}.
     */
    static DateWaitBlock of(Map<String, String> values) {
        return of(optional(values, "source"), required(values, "attribute"), optional(values, "offset"), optional(values, "timeOfDay"));
    }

    /** The block from its parts as the timer expression passes them; blank parts take their defaults. */
    static DateWaitBlock of(String source, String field, String offset, String timeOfDay) {
        Source from = source == null || source.isBlank() ? Source.PROFILE : Source.of(source.trim());
        if (field == null || !FIELD.matcher(field.trim()).matches()) {
            throw new BlockSettings.Invalid("'attribute' is '" + field + "', not an attribute or event property name such as departureAt");
        }
        if (from == Source.PROFILE && field.contains(".")) {
            throw new BlockSettings.Invalid("'attribute' is '" + field + "'; a profile attribute name has no dots");
        }
        IsoOffset by;
        try {
            by = offset == null || offset.isBlank() ? IsoOffset.NONE : IsoOffset.parse(offset);
        } catch (DateTimeParseException e) {
            throw new BlockSettings.Invalid("'offset' is '" + offset + "', not an ISO-8601 offset such as P7D, -P21D, -PT24H or -P1DT2H");
        }
        LocalTime at;
        try {
            at = timeOfDay == null || timeOfDay.isBlank() ? null : LocalTime.parse(timeOfDay.trim());
        } catch (DateTimeParseException e) {
            throw new BlockSettings.Invalid("'timeOfDay' is '" + timeOfDay + "', not a time of day such as 09:00");
        }
        return new DateWaitBlock(from, field.trim(), by, at);
    }

    /** The timer's due-date expression: the bean {@code journeyDates} works the date out when the timer is created. */
    String expression() {
        return "${journeyDates.dueDate(execution, '%s', '%s', '%s', '%s')}".formatted(source.id, field, offset,
                timeOfDay == null ? "" : timeOfDay.toString());
    }
}
