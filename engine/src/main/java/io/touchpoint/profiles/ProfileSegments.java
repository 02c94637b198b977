package io.touchpoint.profiles;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;

import com.hazelcast.core.HazelcastInstance;

/**
 * What the segments feature does to a profile as it changes, on the member that owns the profile (inside the
 * entry processor that changes it): moves its event counters on by the event and evaluates its segments again.
 * The segments feature puts its implementation into the member's user context under {@link #CONTEXT_KEY}; profiles
 * know only this.
 */
public interface ProfileSegments {

    String CONTEXT_KEY = "touchpoint.profile-segments";

    /** Leaves the membership as it is: no segments are defined on this member (yet). */
    ProfileSegments NONE = (profile, event, now) -> profile.segments();

    /** An event as the segments' event counters read it. */
    record CountedEvent(String type, Instant occurredAt, Map<String, Object> properties) implements Serializable {
    }

    /**
     * The profile's membership after a change at {@code now}: counters moved on by {@code event} (null when the
     * change is not an event), segments evaluated, the next moment time alone may change them.
     */
    SegmentMembership evaluate(CustomerProfile profile, CountedEvent event, Instant now);

    /** The implementation this member runs. */
    static ProfileSegments of(HazelcastInstance member) {
        Object segments = member == null ? null : member.getUserContext().get(CONTEXT_KEY);
        return segments instanceof ProfileSegments defined ? defined : NONE;
    }

    /** The profile with its membership evaluated after a change. */
    static CustomerProfile evaluated(HazelcastInstance member, CustomerProfile profile, CountedEvent event, Instant now) {
        return profile.withSegments(of(member).evaluate(profile, event, now));
    }
}
