package io.touchpoint.events;

import java.time.Instant;
import java.util.Map;

/**
 * One thing that happened to a customer, as systems send it: {@code type} and {@code customerId} or
 * {@code identities} are required; {@code eventId} makes a retry safe.
 */
public record CustomerEvent(
        String eventId,
        String type,
        String customerId,
        Map<String, String> identities,
        Instant occurredAt,
        Map<String, Object> properties) {

    public CustomerEvent {
        identities = identities == null ? Map.of() : identities;
        properties = properties == null ? Map.of() : properties;
    }

    public String identity(String name) {
        String value = identities.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    CustomerEvent withIds(String eventId, String customerId, Instant occurredAt) {
        return new CustomerEvent(eventId, type, customerId, identities, occurredAt, properties);
    }
}
