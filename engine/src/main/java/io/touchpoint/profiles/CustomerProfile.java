package io.touchpoint.profiles;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The golden record of one customer: identities, typed attributes, consents, computed traits and the recent
 * events, kept up to date from events. Immutable; {@link ApplyEventToProfile} and {@link ProfileMerge} make the
 * next version.
 *
 * @param email               the primary (latest) email address, or null
 * @param phone               the primary (latest) phone number, or null
 * @param identities          every identity the customer is known by: kind ("email", "phone", "anonymousId",
 *                            "userId", ...) → values; email and phone are always among them
 * @param attributes          typed attributes: string, number, boolean, date (ISO-8601 text) or list
 * @param attributesUpdatedAt when each attribute was last set (a merge keeps the more recent value)
 * @param consents            channel ("email") or channel.purpose ("email.marketing", "sms.transactional") → given
 * @param timeZone            IANA zone id (for example "Europe/Berlin") or null when unknown
 * @param locale              BCP 47 language tag (for example "de-DE") or null when unknown
 * @param computedTraits      computed from events: orders, lifetime value, first and last seen
 * @param recentEvents        the latest events, newest first, bounded by {@code touchpoint.profiles.recent-events}
 * @param eventCount          how many events were applied to this customer (all merged profiles included)
 * @param mergedIds           customer ids merged into this one
 * @param segments            the segments the customer is in and what their conditions count ({@link SegmentMembership})
 */
public record CustomerProfile(
        String customerId,
        String email,
        String phone,
        Map<String, Set<String>> identities,
        Map<String, Object> attributes,
        Map<String, Instant> attributesUpdatedAt,
        Map<String, Boolean> consents,
        String timeZone,
        String locale,
        ComputedTraits computedTraits,
        List<RecentEvent> recentEvents,
        long eventCount,
        Set<String> mergedIds,
        Instant createdAt,
        Instant updatedAt,
        SegmentMembership segments) implements Serializable {

    /** The purpose of a message: marketing needs consent; transactional is sent unless explicitly refused. */
    public static final String MARKETING = "marketing";
    public static final String TRANSACTIONAL = "transactional";

    /** Identity kinds with a meaning of their own; any other kind (userId, crmId, ...) is an external id. */
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String ANONYMOUS_ID = "anonymousId";

    public CustomerProfile {
        identities = withPrimary(identities, email, phone);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
        attributesUpdatedAt = Collections.unmodifiableMap(new LinkedHashMap<>(attributesUpdatedAt == null ? Map.of() : attributesUpdatedAt));
        consents = Collections.unmodifiableMap(new LinkedHashMap<>(consents == null ? Map.of() : consents));
        computedTraits = computedTraits == null ? ComputedTraits.NONE : computedTraits;
        recentEvents = List.copyOf(recentEvents == null ? List.of() : recentEvents);
        mergedIds = Collections.unmodifiableSet(new LinkedHashSet<>(mergedIds == null ? Set.of() : mergedIds));
        segments = segments == null ? SegmentMembership.NONE : segments;
    }

    /** A profile in no segment yet. */
    public CustomerProfile(String customerId, String email, String phone, Map<String, Set<String>> identities, Map<String, Object> attributes,
                           Map<String, Instant> attributesUpdatedAt, Map<String, Boolean> consents, String timeZone, String locale,
                           ComputedTraits computedTraits, List<RecentEvent> recentEvents, long eventCount, Set<String> mergedIds,
                           Instant createdAt, Instant updatedAt) {
        this(customerId, email, phone, identities, attributes, attributesUpdatedAt, consents, timeZone, locale, computedTraits,
                recentEvents, eventCount, mergedIds, createdAt, updatedAt, SegmentMembership.NONE);
    }

    /** The same profile with another segment membership. */
    public CustomerProfile withSegments(SegmentMembership membership) {
        return new CustomerProfile(customerId, email, phone, identities, attributes, attributesUpdatedAt, consents, timeZone, locale,
                computedTraits, recentEvents, eventCount, mergedIds, createdAt, updatedAt, membership);
    }

    /** The shape of the first profile version, kept for callers that build a profile by hand. */
    public CustomerProfile(String customerId, String email, String phone, Set<String> anonymousIds, Map<String, Object> attributes,
                           Map<String, Boolean> consents, String timeZone, String locale, long eventCount, Instant createdAt, Instant updatedAt) {
        this(customerId, email, phone, anonymousIds == null || anonymousIds.isEmpty() ? Map.of() : Map.of(ANONYMOUS_ID, anonymousIds),
                attributes, Map.of(), consents, timeZone, locale, ComputedTraits.NONE, List.of(), eventCount, Set.of(), createdAt, updatedAt);
    }

    static CustomerProfile empty(String customerId, Instant now) {
        return new CustomerProfile(customerId, null, null, Map.of(), Map.of(), Map.of(), Map.of(), null, null,
                ComputedTraits.NONE, List.of(), 0, Set.of(), now, now);
    }

    /**
     * The time to stamp a change made at {@code at} with: {@code at} (to the microsecond, as the database keeps it),
     * or a microsecond after the last change when the clock has not moved past it. Each version of a profile is so
     * later than the one before, and the stored row keeps the latest whatever order writes land in
     * ({@link ProfileStore#storeLatest}).
     */
    Instant nextChangeAt(Instant at) {
        Instant micros = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        return updatedAt == null || micros.isAfter(updatedAt) ? micros : updatedAt.plus(1, java.time.temporal.ChronoUnit.MICROS);
    }

    /** The anonymous (device, cookie) ids the customer was seen with. */
    public Set<String> anonymousIds() {
        return identities.getOrDefault(ANONYMOUS_ID, Set.of());
    }

    /**
     * Whether the customer may receive a message of this purpose on this channel. A refusal of the channel
     * as a whole ("email": false) or of the purpose ("email.marketing": false) wins; otherwise yes.
     */
    public boolean consentsTo(String channel, String purpose) {
        return !Boolean.FALSE.equals(consents.get(channel + "." + purpose))
                && (TRANSACTIONAL.equals(purpose) || !Boolean.FALSE.equals(consents.get(channel)));
    }

    private static Map<String, Set<String>> withPrimary(Map<String, Set<String>> identities, String email, String phone) {
        Map<String, Set<String>> all = new LinkedHashMap<>();
        if (identities != null) {
            identities.forEach((kind, values) -> all.put(kind, new LinkedHashSet<>(values)));
        }
        if (email != null) {
            all.computeIfAbsent(EMAIL, k -> new LinkedHashSet<>()).add(email);
        }
        if (phone != null) {
            all.computeIfAbsent(PHONE, k -> new LinkedHashSet<>()).add(phone);
        }
        all.replaceAll((kind, values) -> Collections.unmodifiableSet(values));
        return Collections.unmodifiableMap(all);
    }
}
