package io.touchpoint.profiles;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;

/**
 * Applies a {@link ProfileUpdate} to a profile atomically, on the member that owns the customer's entry, evaluates
 * the customer's segments again ({@link ProfileSegments}) and answers what the update added: the identities (to be
 * recorded as the customer's own) and the segments entered and left; null when it changed neither. It answers no
 * more than that: the answer is serialised, and a whole profile would cost more than the update.
 */
class ApplyEventToProfile implements EntryProcessor<String, CustomerProfile, ApplyEventToProfile.Added>, HazelcastInstanceAware {

    /** What an update added: identities (kind → values; null when none) and the segments it moved the customer in or out of. */
    record Added(HashMap<String, Set<String>> identities, SegmentMoves moves) implements java.io.Serializable {
    }

    private final ProfileUpdate update;
    private final int historyLimit;
    /** Whether the caller's transaction writes the new version to the database ({@link ProfileStore#leaveToTransaction}). */
    private final boolean transactionWrites;
    private transient HazelcastInstance member;
    /** The profile as this processor left it: what the backups are set to (they do not apply the update again). */
    private transient CustomerProfile applied;

    /**
     * @param transactionWrites true when the caller's transaction writes the profile's row before it commits,
     *                          so the map does not write it through on its own
     */
    ApplyEventToProfile(ProfileUpdate update, int historyLimit, boolean transactionWrites) {
        this.update = update;
        this.historyLimit = historyLimit;
        this.transactionWrites = transactionWrites;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
        this.member = member;
    }

    @Override
    public EntryProcessor<String, CustomerProfile, Added> getBackupProcessor() {
        return applied == null ? null : new ProfileUndo.SetTo<>(applied);
    }

    @Override
    public Added process(Map.Entry<String, CustomerProfile> entry) {
        CustomerProfile current = entry.getValue() != null ? entry.getValue() : CustomerProfile.empty(entry.getKey(), update.at());
        if (alreadyApplied(current)) {
            return null;
        }
        CustomerProfile next = ProfileSegments.evaluated(member, ProfileSize.checked(applied(current, update, historyLimit), "properties"),
                update.counted(), update.at());
        if (update.eventId() != null) {
            ProfileUndo.remember(update.eventId(), entry.getValue(), next);
        }
        if (transactionWrites) { // only the owner runs this: the backups are set to what it left (SetTo)
            ProfileStore.leaveToTransaction(entry.getKey(), next);
        }
        entry.setValue(next);
        applied = next;
        HashMap<String, Set<String>> added = new HashMap<>();
        update.identities().forEach((kind, value) -> {
            if (!current.identities().getOrDefault(kind, Set.of()).contains(value)) {
                added.put(kind, Set.of(value));
            }
        });
        SegmentMoves moves = SegmentMoves.between(current, next, update.at());
        return added.isEmpty() && moves.isEmpty() ? null : new Added(added.isEmpty() ? null : added, moves);
    }

    /**
     * Whether this event is among the profile's recent events: applied before, by an intake whose transaction then
     * failed (the profile does not roll back with it) and that is now retried. Applying it again would count twice.
     */
    private boolean alreadyApplied(CustomerProfile current) {
        return update.eventId() != null && current.recentEvents().stream().anyMatch(recent -> update.eventId().equals(recent.eventId()));
    }

    /** The profile after one event: identities added, attributes and consents set, traits and history moved on. */
    static CustomerProfile applied(CustomerProfile current, ProfileUpdate update, int historyLimit) {
        Map<String, Set<String>> identities = new LinkedHashMap<>(current.identities());
        update.identities().forEach((kind, value) -> identities.merge(kind, Set.of(value), ApplyEventToProfile::union));
        Map<String, Boolean> consents = new LinkedHashMap<>(current.consents());
        if (update.consents() != null) {
            consents.putAll(update.consents());
        }
        Instant occurredAt = update.occurredAt() != null ? update.occurredAt() : update.at();
        boolean isEvent = update.type() != null;
        Instant at = current.nextChangeAt(update.at());
        CustomerProfile withAttributes = withAttributes(current, update.traits(), at);
        return new CustomerProfile(current.customerId(),
                update.email() != null ? update.email() : current.email(),
                update.phone() != null ? update.phone() : current.phone(),
                identities, withAttributes.attributes(), withAttributes.attributesUpdatedAt(), consents,
                update.timeZone() != null ? update.timeZone() : current.timeZone(),
                update.locale() != null ? update.locale() : current.locale(),
                isEvent ? current.computedTraits().after(update.type(), occurredAt, update.total()) : current.computedTraits(),
                isEvent ? newestFirst(List.of(new RecentEvent(update.eventId(), update.type(), occurredAt)), current.recentEvents(), historyLimit)
                        : current.recentEvents(),
                current.eventCount() + 1, current.mergedIds(), current.createdAt(), at, current.segments());
    }

    /**
     * The profile with these attributes set (a null value removes one), each stamped with the time it was set
     * ({@code at}: one of {@link CustomerProfile#nextChangeAt}).
     */
    static CustomerProfile withAttributes(CustomerProfile current, Map<String, Object> changes, Instant at) {
        if (changes == null || changes.isEmpty()) {
            return current;
        }
        Map<String, Object> attributes = new LinkedHashMap<>(current.attributes());
        Map<String, Instant> setAt = new LinkedHashMap<>(current.attributesUpdatedAt());
        changes.forEach((name, value) -> {
            if (value == null) {
                attributes.remove(name);
                setAt.remove(name);
            } else {
                attributes.put(name, value);
                setAt.put(name, at);
            }
        });
        return new CustomerProfile(current.customerId(), current.email(), current.phone(), current.identities(), attributes, setAt,
                current.consents(), current.timeZone(), current.locale(), current.computedTraits(), current.recentEvents(), current.eventCount(),
                current.mergedIds(), current.createdAt(), at, current.segments());
    }

    /** Two histories as one, newest first, at most {@code limit} long. */
    static List<RecentEvent> newestFirst(List<RecentEvent> some, List<RecentEvent> others, int limit) {
        List<RecentEvent> all = new ArrayList<>(some);
        all.addAll(others);
        all.sort(Comparator.comparing(RecentEvent::occurredAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return all.size() > limit ? all.subList(0, limit) : all;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> both = new LinkedHashSet<>(a);
        both.addAll(b);
        return both;
    }
}
