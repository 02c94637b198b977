package io.touchpoint.profiles;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The golden record of one customer: identities, attributes and consents, kept up to date from events.
 * Immutable; {@link ApplyEventToProfile} makes the next version.
 */
public record CustomerProfile(
        String customerId,
        String email,
        String phone,
        Set<String> anonymousIds,
        Map<String, Object> attributes,
        Map<String, Boolean> consents,
        long eventCount,
        Instant createdAt,
        Instant updatedAt) implements Serializable {

    public CustomerProfile {
        anonymousIds = Collections.unmodifiableSet(new LinkedHashSet<>(anonymousIds == null ? Set.of() : anonymousIds));
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
        consents = Collections.unmodifiableMap(new LinkedHashMap<>(consents == null ? Map.of() : consents));
    }

    static CustomerProfile empty(String customerId, Instant now) {
        return new CustomerProfile(customerId, null, null, Set.of(), Map.of(), Map.of(), 0, now, now);
    }

    /** Whether the customer may receive marketing on a channel: yes unless they opted out of it. */
    public boolean consentsTo(String channel) {
        return !Boolean.FALSE.equals(consents.get(channel));
    }
}
