package io.touchpoint.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;

/**
 * One thing that happened to a customer, as systems send it: {@code type} and {@code customerId} or
 * {@code identities} are required; {@code eventId} makes a retry safe. Top-level fields Touchpoint does not know
 * are kept in {@code extra} and stored with the event.
 */
public record CustomerEvent(
        String eventId,
        String type,
        String customerId,
        Map<String, String> identities,
        Instant occurredAt,
        Map<String, Object> properties,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    public CustomerEvent {
        identities = identities == null ? Map.of() : identities;
        properties = properties == null ? Map.of() : properties;
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public CustomerEvent(String eventId, String type, String customerId, Map<String, String> identities,
                         Instant occurredAt, Map<String, Object> properties) {
        this(eventId, type, customerId, identities, occurredAt, properties, null);
    }

    public String identity(String name) {
        String value = identities.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    CustomerEvent withIds(String eventId, String customerId, Instant occurredAt) {
        return new CustomerEvent(eventId, type, customerId, identities, occurredAt, properties, extra);
    }
}
