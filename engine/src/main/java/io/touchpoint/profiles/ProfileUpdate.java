package io.touchpoint.profiles;

import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What one event says about a customer: identities, traits (attributes), consents, time zone and locale. */
public record ProfileUpdate(
        String email,
        String phone,
        String anonymousId,
        Map<String, Object> traits,
        Map<String, Boolean> consents,
        String timeZone,
        String locale,
        Instant at) implements Serializable {

    /**
     * Reads an event's identities and its properties {@code traits}, {@code consents}, {@code timeZone} and
     * {@code locale}; throws {@link InvalidProfileUpdateException} naming the property that has the wrong shape.
     */
    public static ProfileUpdate of(Map<String, String> identities, Map<String, Object> properties, Instant at) {
        return new ProfileUpdate(identity(identities, "email"), identity(identities, "phone"), identity(identities, "anonymousId"),
                object(properties, "traits"), consents(properties), text(properties, "timeZone"), text(properties, "locale"), at);
    }

    private static String identity(Map<String, String> identities, String name) {
        String value = identities.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> properties, String name) {
        Object value = properties.get(name);
        if (value != null && !(value instanceof Map)) {
            throw new InvalidProfileUpdateException("properties." + name, "must be an object");
        }
        return (Map<String, Object>) value;
    }

    private static String text(Map<String, Object> properties, String name) {
        Object value = properties.get(name);
        if (value != null && !(value instanceof String)) {
            throw new InvalidProfileUpdateException("properties." + name, "must be a string");
        }
        return (String) value;
    }

    private static Map<String, Boolean> consents(Map<String, Object> properties) {
        Map<String, Object> consents = object(properties, "consents");
        if (consents == null) {
            return null;
        }
        Map<String, Boolean> checked = new LinkedHashMap<>();
        consents.forEach((channel, given) -> {
            if (!(given instanceof Boolean yes)) {
                throw new InvalidProfileUpdateException("properties.consents." + channel, "must be true or false");
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
