package io.touchpoint.profiles;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one event says about a customer: identities, traits (attributes), consents, time zone, locale, and
 * (once {@link #forEvent} is called) the event itself, which feeds the computed traits and the recent history.
 *
 * @param identities kind → value, trimmed; email addresses in lower case
 * @param total      {@code properties.total} when it is a number (the order value of an {@code order_placed})
 * @param previousId {@code properties.previousId} of an {@code alias} event: the customer to merge into this one
 * @param properties the event's properties, as the segments' event counters read them
 */
public record ProfileUpdate(
        Map<String, String> identities,
        Map<String, Object> traits,
        Map<String, Boolean> consents,
        String timeZone,
        String locale,
        BigDecimal total,
        String previousId,
        String eventId,
        String type,
        Instant occurredAt,
        Instant at,
        Map<String, Object> properties) implements Serializable {

    /** Event types that link identities: their identities (and an alias's previousId) merge known profiles. */
    public static final String IDENTIFY = "identify";
    public static final String ALIAS = "alias";

    public ProfileUpdate {
        identities = Collections.unmodifiableMap(new LinkedHashMap<>(identities == null ? Map.of() : identities));
        properties = properties == null ? Map.of() : properties;
    }

    /**
     * Reads an event's identities and its properties {@code traits}, {@code consents}, {@code timeZone},
     * {@code locale}, {@code total} and {@code previousId}; throws {@link InvalidProfileUpdateException} naming
     * the property that has the wrong shape.
     */
    public static ProfileUpdate of(Map<String, String> identities, Map<String, Object> properties, Instant at) {
        return new ProfileUpdate(normalized(identities), object(properties, "traits"), consentsOf(properties),
                text(properties, "timeZone", 64), text(properties, "locale", 35), number(properties.get("total")),
                text(properties, "previousId", 200), null, null, null, at, properties);
    }

    /** The same update, knowing the event it comes from. */
    public ProfileUpdate forEvent(String eventId, String type, Instant occurredAt) {
        return new ProfileUpdate(identities, traits, consents, timeZone, locale, total, previousId, eventId, type, occurredAt, at, properties);
    }

    ProfileUpdate withTraits(Map<String, Object> checkedTraits) {
        return new ProfileUpdate(identities, checkedTraits, consents, timeZone, locale, total, previousId, eventId, type, occurredAt, at, properties);
    }

    /** The event as the segments' event counters read it; null when the update is no event. */
    ProfileSegments.CountedEvent counted() {
        return type == null ? null : new ProfileSegments.CountedEvent(type, occurredAt != null ? occurredAt : at, properties);
    }

    public String email() {
        return identities.get(CustomerProfile.EMAIL);
    }

    public String phone() {
        return identities.get(CustomerProfile.PHONE);
    }

    public String anonymousId() {
        return identities.get(CustomerProfile.ANONYMOUS_ID);
    }

    /** Whether this event links identities ({@code identify} or {@code alias}), so that it may merge profiles. */
    public boolean links() {
        return IDENTIFY.equals(type) || ALIAS.equals(type);
    }

    /** Identities as they are compared: trimmed, blanks dropped, email addresses in lower case. */
    public static Map<String, String> normalized(Map<String, String> identities) {
        Map<String, String> normalized = new LinkedHashMap<>();
        if (identities != null) {
            identities.forEach((kind, value) -> {
                if (kind != null && value != null && !value.isBlank()) {
                    String trimmed = value.trim();
                    normalized.put(kind, CustomerProfile.EMAIL.equals(kind) ? trimmed.toLowerCase(Locale.ROOT) : trimmed);
                }
            });
        }
        return normalized;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> properties, String name) {
        Object value = properties.get(name);
        if (value != null && !(value instanceof Map)) {
            throw new InvalidProfileUpdateException("properties." + name, "must be an object");
        }
        return (Map<String, Object>) value;
    }

    private static String text(Map<String, Object> properties, String name, int maxLength) {
        Object value = properties.get(name);
        if (value != null && !(value instanceof String)) {
            throw new InvalidProfileUpdateException("properties." + name, "must be a string");
        }
        if (value != null && ((String) value).length() > maxLength) {
            throw new InvalidProfileUpdateException("properties." + name, "is longer than " + maxLength + " characters");
        }
        return value == null || ((String) value).isBlank() ? null : ((String) value).trim();
    }

    private static BigDecimal number(Object value) {
        return value instanceof Number number ? new BigDecimal(number.toString()) : null;
    }

    private static Map<String, Boolean> consentsOf(Map<String, Object> properties) {
        return consents(object(properties, "consents"), "properties.consents");
    }

    /** Consents as sent (channel or channel.purpose → true/false); a value that is not a boolean names its field. */
    static Map<String, Boolean> consents(Map<String, Object> consents, String field) {
        if (consents == null) {
            return null;
        }
        Map<String, Boolean> checked = new LinkedHashMap<>();
        consents.forEach((channel, given) -> {
            if (!(given instanceof Boolean yes)) {
                throw new InvalidProfileUpdateException(field + "." + channel, "must be true or false");
            }
            checked.put(channel, yes);
        });
        return checked;
    }

    /** A property of an event that cannot be applied to a profile; {@link #field()} names it. */
    public static class InvalidProfileUpdateException extends IllegalArgumentException {
        private final String field;

        InvalidProfileUpdateException(String field, String problem) {
            super("field '" + field + "' " + problem);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
