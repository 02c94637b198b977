package io.touchpoint.profiles;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Two profiles of one person as one, kept under the survivor's id: each attribute from the profile that set it
 * last, identities and histories united, counters and traits added up, and a refused consent kept refused.
 */
final class ProfileMerge {

    private ProfileMerge() {
    }

    static CustomerProfile of(CustomerProfile survivor, CustomerProfile merged, int historyLimit, Instant at) {
        boolean mergedIsNewer = merged.updatedAt().isAfter(survivor.updatedAt());
        CustomerProfile newer = mergedIsNewer ? merged : survivor;
        CustomerProfile older = mergedIsNewer ? survivor : merged;

        Map<String, Set<String>> identities = new LinkedHashMap<>(survivor.identities());
        merged.identities().forEach((kind, values) -> identities.merge(kind, values, ApplyEventToProfile::union));

        Map<String, Object> attributes = new LinkedHashMap<>(survivor.attributes());
        Map<String, Instant> setAt = new LinkedHashMap<>(survivor.attributesUpdatedAt());
        merged.attributes().forEach((name, value) -> {
            Instant theirs = merged.attributesUpdatedAt().getOrDefault(name, merged.updatedAt());
            Instant ours = setAt.getOrDefault(name, survivor.updatedAt());
            if (!attributes.containsKey(name) || theirs.isAfter(ours)) {
                attributes.put(name, value);
                setAt.put(name, theirs);
            }
        });

        Map<String, Boolean> consents = new LinkedHashMap<>(older.consents());
        consents.putAll(newer.consents());
        older.consents().forEach((channel, given) -> {
            if (!given) {
                consents.put(channel, false);
            }
        });

        Set<String> mergedIds = new LinkedHashSet<>(survivor.mergedIds());
        mergedIds.addAll(merged.mergedIds());
        mergedIds.add(merged.customerId());

        return new CustomerProfile(survivor.customerId(),
                newer.email() != null ? newer.email() : older.email(),
                newer.phone() != null ? newer.phone() : older.phone(),
                identities, attributes, setAt, consents,
                newer.timeZone() != null ? newer.timeZone() : older.timeZone(),
                newer.locale() != null ? newer.locale() : older.locale(),
                survivor.computedTraits().plus(merged.computedTraits()),
                ApplyEventToProfile.newestFirst(survivor.recentEvents(), merged.recentEvents(), historyLimit),
                survivor.eventCount() + merged.eventCount(), mergedIds,
                ComputedTraits.earliest(survivor.createdAt(), merged.createdAt()), at, withCounters(survivor.segments(), merged.segments()));
    }

    /**
     * The survivor's segments with both customers' event counters united (newest first); which segments the merged
     * customer is in is evaluated again ({@link ProfileSegments}), so the survivor's memberships and join times stand.
     */
    private static SegmentMembership withCounters(SegmentMembership survivor, SegmentMembership merged) {
        Map<String, java.util.List<Instant>> counters = new LinkedHashMap<>(survivor.counters());
        merged.counters().forEach((key, moments) -> counters.merge(key, moments, (a, b) -> {
            java.util.List<Instant> both = new java.util.ArrayList<>(a);
            both.addAll(b);
            both.sort(java.util.Comparator.reverseOrder());
            return both;
        }));
        return new SegmentMembership(survivor.joined(), counters, survivor.recheckAt());
    }
}
