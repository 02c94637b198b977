package io.touchpoint.journeys;

import java.time.Duration;
import java.time.Period;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ISO-8601 offset such as {@code P7D}, {@code -P21D}, {@code -PT24H} or {@code -P1DT2H}: a calendar part (years,
 * months, weeks, days) added in the customer's zone, so a day is a day across a daylight-saving change, and a clock
 * part (hours, minutes, seconds) added as exact time. The one parser of offsets, at deployment and at run time.
 */
record IsoOffset(Period calendar, Duration clock) {

    private static final Pattern FORMAT = Pattern.compile(
            "([-+]?)P(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)W)?(?:(\\d+)D)?(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+(?:[.,]\\d{1,9})?)S)?)?");

    private static final ZonedDateTime REFERENCE = ZonedDateTime.parse("2000-01-01T00:00:00Z");

    static final IsoOffset NONE = new IsoOffset(Period.ZERO, Duration.ZERO);

    /** Parses an offset; throws {@link DateTimeParseException} naming the text when it is none. */
    static IsoOffset parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        boolean hasNumber = m.matches() && (m.group(2) != null || m.group(3) != null || m.group(4) != null || m.group(5) != null
                || m.group(6) != null || m.group(7) != null || m.group(8) != null);
        boolean dangling = m.matches() && text.trim().endsWith("T");
        if (!hasNumber || dangling) {
            throw new DateTimeParseException("'" + text + "' is not an ISO-8601 offset such as P7D, -P21D, -PT24H or -P1DT2H", String.valueOf(text), 0);
        }
        try {
            Period calendar = Period.of(Math.toIntExact(number(m.group(2))), Math.toIntExact(number(m.group(3))),
                    Math.toIntExact(Math.addExact(Math.multiplyExact(number(m.group(4)), 7), number(m.group(5)))));
            Duration clock = Duration.ofHours(number(m.group(6))).plusMinutes(number(m.group(7)))
                    .plus(m.group(8) == null ? Duration.ZERO : Duration.parse("PT" + m.group(8).replace(',', '.') + "S"));
            IsoOffset offset = "-".equals(m.group(1)) ? new IsoOffset(calendar.negated(), clock.negated()) : new IsoOffset(calendar, clock);
            offset.addTo(REFERENCE); // an offset too large for a date fails here, not at run time
            return offset;
        } catch (RuntimeException e) {
            throw new DateTimeParseException("'" + text + "' is too large an offset", text, 0);
        }
    }

    /** The moment this offset away: the calendar part in the moment's zone, then the clock part. */
    ZonedDateTime addTo(ZonedDateTime moment) {
        return moment.plus(calendar).plus(clock);
    }

    /** The offset in its canonical form, e.g. "-P1DT2H", "P0D". */
    @Override
    public String toString() {
        boolean negative = calendar.isNegative() || clock.isNegative();
        Period days = negative ? calendar.negated() : calendar;
        Duration time = negative ? clock.negated() : clock;
        String text = (days.isZero() ? "P" : days.toString()) + (time.isZero() ? "" : time.toString().substring(1));
        return (negative ? "-" : "") + (text.equals("P") ? "P0D" : text);
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
