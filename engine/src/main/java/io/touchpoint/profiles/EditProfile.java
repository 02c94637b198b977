package io.touchpoint.profiles;

import java.time.Instant;
import java.util.Map;

import com.hazelcast.map.EntryProcessor;

/**
 * An operator's edit of an existing profile, applied atomically: attributes patched (null removes one) or
 * consents replaced. Returns null, and creates nothing, when the customer is unknown.
 */
class EditProfile implements EntryProcessor<String, CustomerProfile, CustomerProfile> {

    private final Map<String, Object> attributes;
    private final Map<String, Boolean> consents;
    private final Instant at;

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

    @Override
    public CustomerProfile process(Map.Entry<String, CustomerProfile> entry) {
        CustomerProfile current = entry.getValue();
        if (current == null) {
            return null;
        }
        Instant stamp = current.nextChangeAt(at);
        CustomerProfile next = ApplyEventToProfile.withAttributes(current, attributes, stamp);
        if (consents != null) {
            next = new CustomerProfile(next.customerId(), next.email(), next.phone(), next.identities(), next.attributes(),
                    next.attributesUpdatedAt(), consents, next.timeZone(), next.locale(), next.computedTraits(), next.recentEvents(),
                    next.eventCount(), next.mergedIds(), next.createdAt(), stamp);
        }
        entry.setValue(ProfileSize.checked(next, attributes != null ? "attributes" : "consents"));
        return next;
    }
}
