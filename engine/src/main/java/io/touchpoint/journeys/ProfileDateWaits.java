package io.touchpoint.journeys;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.touchpoint.profiles.CustomerProfile;

/**
 * The "Wait until profile date" block: the moment a customer's wait ends is a date attribute of the profile
 * plus an offset, at a local time of day in the customer's time zone (UTC when unknown), so 09:00 stays 09:00
 * across a daylight-saving change. Bean {@code journeyDates} in timer expressions.
 */
public class ProfileDateWaits {

    private static final Logger log = LoggerFactory.getLogger(ProfileDateWaits.class);
    /** Without the attribute the customer waits until the attribute arrives (the wait is then re-planned). */
    static final Instant NOT_YET_KNOWN = Instant.parse("9999-12-31T00:00:00Z");

    private final Function<String, Optional<CustomerProfile>> profiles;

    public ProfileDateWaits(Function<String, Optional<CustomerProfile>> profiles) {
        this.profiles = profiles;
    }

    /** The due date of the wait for this customer. */
    public Date dueDate(String customerId, String attribute, String offset, String timeOfDay) {
        return Date.from(dueInstant(customerId, attribute, offset, timeOfDay));
    }

    public Instant dueInstant(String customerId, String attribute, String offset, String timeOfDay) {
        Optional<CustomerProfile> profile = profiles.apply(customerId);
        ZoneId zone = profile.map(CustomerProfile::timeZone).map(ProfileDateWaits::zone).orElse(ZoneOffset.UTC);
        Optional<LocalDate> date = profile.map(p -> p.attributes().get(attribute)).map(value -> localDate(value, zone));
        if (date.isEmpty()) {
            log.debug("Customer {} has no date in '{}'; the wait lasts until it arrives", customerId, attribute);
            return NOT_YET_KNOWN;
        }
        return at(date.get(), Period.parse(offset), LocalTime.parse(timeOfDay), zone);
    }

    /** Date + offset at the local time in the zone; a time that a DST change skips moves forward by the gap. */
    static Instant at(LocalDate date, Period offset, LocalTime timeOfDay, ZoneId zone) {
        return ZonedDateTime.of(date.plus(offset), timeOfDay, zone).toInstant();
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            log.warn("Profile time zone '{}' is unknown; UTC is used", id);
            return ZoneOffset.UTC;
        }
    }

    private static LocalDate localDate(Object value, ZoneId zone) {
        String text = String.valueOf(value);
        try {
            return text.length() > 10 ? OffsetDateTime.parse(text).atZoneSameInstant(zone).toLocalDate() : LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            log.warn("Profile date '{}' is not an ISO date", text);
            return null;
        }
    }
}
