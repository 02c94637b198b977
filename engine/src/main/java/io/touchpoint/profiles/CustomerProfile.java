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
 *
 * @param timeZone IANA zone id (for example "Europe/Berlin") or null when unknown
 * @param locale   BCP 47 language tag (for example "de-DE") or null when unknown
 * @param consents channel ("email") or channel.purpose ("email.marketing", "sms.transactional") → given
 */
public record CustomerProfile(
        String customerId,
        String email,
        String phone,
        Set<String> anonymousIds,
        Map<String, Object> attributes,
        Map<String, Boolean> consents,
        String timeZone,
        String locale,
        long eventCount,
        Instant createdAt,
        Instant updatedAt) implements Serializable {

    /** The purpose of a message: marketing needs consent; transactional is sent unless explicitly refused. */
    public static final String MARKETING = "marketing";
    public static final String TRANSACTIONAL = "transactional";

    public CustomerProfile {
        anonymousIds = Collections.unmodifiableSet(new LinkedHashSet<>(anonymousIds == null ? Set.of() : anonymousIds));
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
        consents = Collections.unmodifiableMap(new LinkedHashMap<>(consents == null ? Map.of() : consents));
    }

    static CustomerProfile empty(String customerId, Instant now) {
        return new CustomerProfile(customerId, null, null, Set.of(), Map.of(), Map.of(), null, null, 0, now, now);
    }

    /**
     * Whether the customer may receive a message of this purpose on this channel. A refusal of the channel
     * as a whole ("email": false) or of the purpose ("email.marketing": false) wins; otherwise yes.
     */
    public boolean consentsTo(String channel, String purpose) {
        return !Boolean.FALSE.equals(consents.get(channel + "." + purpose))
                && (TRANSACTIONAL.equals(purpose) || !Boolean.FALSE.equals(consents.get(channel)));
    }
}
