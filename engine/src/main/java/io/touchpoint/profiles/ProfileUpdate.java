package io.touchpoint.profiles;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;

/** What one event says about a customer: identities, traits (attributes) and consents to apply to the profile. */
public record ProfileUpdate(
        String email,
        String phone,
        String anonymousId,
        Map<String, Object> traits,
        Map<String, Boolean> consents,
        Instant at) implements Serializable {
}
