package io.touchpoint.journeys;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.camunda.bpm.engine.delegate.VariableScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.touchpoint.profiles.CustomerProfile;

/**
 * The "Wait until date" block at run time: the moment a wait ends is a date from the profile, the starting event or
 * the latest event of the run, plus an offset, optionally at a local time of day in the customer's time zone (UTC
 * when unknown), so 09:00 stays 09:00 and "one day before" stays a day across a daylight-saving change. Without a
 * date the wait lasts until one arrives (the wait is then re-planned). Bean {@code journeyDates} in timer expressions.
 */
public class ProfileDateWaits {

    private static final Logger log = LoggerFactory.getLogger(ProfileDateWaits.class);
    /** Without the date the customer waits until the date arrives (the wait is then re-planned). */
    static final Instant NOT_YET_KNOWN = Instant.parse("9999-12-31T00:00:00Z");

    private final Function<String, Optional<CustomerProfile>> profiles;

    public ProfileDateWaits(Function<String, Optional<CustomerProfile>> profiles) {
        this.profiles = profiles;
    }

    /** The due date of a wait for the journey of this execution; the parts are those of {@link DateWaitBlock#expression()}. */
    public Date dueDate(VariableScope execution, String source, String field, String offset, String timeOfDay) {
        DateWaitBlock block = DateWaitBlock.of(source, field, offset, timeOfDay);
        String customerId = (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID);
        return Date.from(dueInstant(block, profile(customerId).orElse(null), execution::getVariable));
    }

    /** The customer's profile, as the waits read it. */
    Optional<CustomerProfile> profile(String customerId) {
        return customerId == null ? Optional.empty() : profiles.apply(customerId);
    }

    /**
     * When the wait ends for this profile (null: unknown customer) and these process variables ({@code trigger},
     * {@code lastEvent}); {@link #NOT_YET_KNOWN} without a date.
     */
    static Instant dueInstant(DateWaitBlock block, CustomerProfile profile, Function<String, Object> variables) {
        ZoneId zone = Optional.ofNullable(profile).map(CustomerProfile::timeZone).map(ProfileDateWaits::zone).orElse(ZoneOffset.UTC);
        Object value = switch (block.source()) {
            case PROFILE -> profile == null ? null : profile.attributes().get(block.field());
            case TRIGGER -> eventField(variables.apply(JourneyDispatcher.TRIGGER), block.field());
            case LAST_EVENT -> eventField(Optional.ofNullable(variables.apply(JourneyDispatcher.LAST_EVENT))
                    .orElseGet(() -> variables.apply(JourneyDispatcher.TRIGGER)), block.field());
        };
        ZonedDateTime date = value == null ? null : moment(value, zone);
        if (date == null) {
            log.debug("Customer {} has no date in {} '{}'; the wait lasts until it arrives",
                    profile == null ? null : profile.customerId(), block.source().id, block.field());
            return NOT_YET_KNOWN;
        }
        return at(date, block, zone);
    }

    /** The date moved by the offset, then (when the block names one) at the local time of day of the day it lands on. */
    static Instant at(ZonedDateTime date, DateWaitBlock block, ZoneId zone) {
        ZonedDateTime moved = block.offset().addTo(date);
        return block.timeOfDay() == null ? moved.toInstant()
                : ZonedDateTime.of(moved.toLocalDate(), block.timeOfDay(), zone).toInstant(); // a skipped local time moves forward by the gap
    }

    /** A property of the event (a dotted path into its properties), else a field of the event itself such as occurredAt. */
    private static Object eventField(Object event, String path) {
        if (!(event instanceof Map<?, ?> fields)) {
            return null;
        }
        Object value = fields.get("properties");
        for (String part : path.split("\\.")) {
            value = value instanceof Map<?, ?> map ? map.get(part) : null;
        }
        return value != null || path.contains(".") ? value : fields.get(path);
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            log.warn("TP-JOURNEY-007 Profile time zone '{}' is unknown; UTC is used", id);
            return ZoneOffset.UTC;
        }
    }

    /** An ISO date (the start of that day), a local date-time (in the zone) or a date-time with an offset, in the zone. */
    private static ZonedDateTime moment(Object value, ZoneId zone) {
        if (value instanceof Date date) {
            return date.toInstant().atZone(zone);
        }
        String text = String.valueOf(value).trim();
        try {
            if (text.length() <= 10) {
                return LocalDate.parse(text).atStartOfDay(zone);
            }
            try {
                return OffsetDateTime.parse(text).atZoneSameInstant(zone);
            } catch (DateTimeParseException withoutOffset) {
                return LocalDateTime.parse(text).atZone(zone);
            }
        } catch (DateTimeParseException e) {
            log.warn("TP-JOURNEY-008 '{}' is not an ISO date or date-time; the wait lasts until a date arrives", text);
            return null;
        }
    }
}
