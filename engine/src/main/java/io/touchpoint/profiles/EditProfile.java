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
    private transient HazelcastInstance member;
    private transient CustomerProfile edited;

    private EditProfile(Map<String, Object> attributes, Map<String, Boolean> consents, Instant at) {
        this.attributes = attributes;
        this.consents = consents;
        this.at = at;
    }

    static EditProfile patchAttributes(Map<String, Object> attributes, Instant at) {
        return new EditProfile(attributes, null, at);
    }

    static EditProfile replaceConsents(Map<String, Boolean> consents, Instant at) {
        return new EditProfile(null, consents, at);
    }

    /** No edit: the segments evaluated again at {@code at} (a time-based condition may have changed). */
    static EditProfile recheckSegments(Instant at) {
        return new EditProfile(null, null, at);
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
        CustomerProfile next = ApplyEventToProfile.withAttributes(current, attributes, at);
        if (consents != null) {
            next = new CustomerProfile(next.customerId(), next.email(), next.phone(), next.identities(), next.attributes(),
                    next.attributesUpdatedAt(), consents, next.timeZone(), next.locale(), next.computedTraits(), next.recentEvents(),
                    next.eventCount(), next.mergedIds(), next.createdAt(), at, next.segments());
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
