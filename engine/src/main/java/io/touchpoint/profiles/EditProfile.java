package io.touchpoint.profiles;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;

/**
 * A change of an existing profile outside an event, applied atomically where the profile is kept, its segments
 * evaluated again: attributes patched (null removes one), consents replaced, or nothing (a re-check of the segments
 * when time moved on). Returns null, and creates nothing, when the customer is unknown.
 */
class EditProfile implements EntryProcessor<String, CustomerProfile, EditProfile.Edited>, HazelcastInstanceAware {

    /** The profile after the edit and the segments it moved the customer in or out of. */
    record Edited(CustomerProfile profile, SegmentMoves moves) implements Serializable {
    }

    private final Map<String, Object> attributes;
    private final Map<String, Boolean> consents;
    private final Instant at;
    /** Moments of events counted again from the event history (a backfill), added to the profile's counters. */
    private final Map<String, java.util.List<Instant>> recounted;
    private transient HazelcastInstance member;
    private transient CustomerProfile edited;

    private EditProfile(Map<String, Object> attributes, Map<String, Boolean> consents, Instant at, Map<String, java.util.List<Instant>> recounted) {
        this.attributes = attributes;
        this.consents = consents;
        this.at = at;
        this.recounted = recounted;
    }

    static EditProfile patchAttributes(Map<String, Object> attributes, Instant at) {
        return new EditProfile(attributes, null, at, null);
    }

    static EditProfile replaceConsents(Map<String, Boolean> consents, Instant at) {
        return new EditProfile(null, consents, at, null);
    }

    /** No edit: the segments evaluated again at {@code at} (a time-based condition may have changed). */
    static EditProfile recheckSegments(Instant at) {
        return new EditProfile(null, null, at, null);
    }

    /**
     * The segments evaluated again at {@code at} with the event counters completed from the event history: each
     * counter becomes the union of what it holds (events counted meanwhile) and the recounted moments.
     */
    static EditProfile recheckSegments(Instant at, Map<String, java.util.List<Instant>> recounted) {
        return new EditProfile(null, null, at, recounted);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
        this.member = member;
    }

    @Override
    public Edited process(Map.Entry<String, CustomerProfile> entry) {
        CustomerProfile current = entry.getValue();
        if (current == null) {
            return null;
        }
        Instant stamp = current.nextChangeAt(at);
        CustomerProfile next = ApplyEventToProfile.withAttributes(current, attributes, stamp);
        if (consents != null) {
            next = new CustomerProfile(next.customerId(), next.email(), next.phone(), next.identities(), next.attributes(),
                    next.attributesUpdatedAt(), consents, next.timeZone(), next.locale(), next.computedTraits(), next.recentEvents(),
                    next.eventCount(), next.mergedIds(), next.createdAt(), stamp, next.segments());
        }
        if (recounted != null && !recounted.isEmpty()) {
            next = next.withSegments(next.segments().withRecounted(recounted));
        }
        next = ProfileSegments.evaluated(member, ProfileSize.checked(next, attributes != null ? "attributes" : "consents"), null, at);
        if (!next.equals(current)) {
            entry.setValue(next);
            edited = next;
        }
        return new Edited(next, SegmentMoves.between(current, next, at));
    }

    @Override
    public EntryProcessor<String, CustomerProfile, Edited> getBackupProcessor() {
        return edited == null ? null : new ProfileUndo.SetTo<>(edited);
    }
}
