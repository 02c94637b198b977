package io.touchpoint.profiles;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.hazelcast.map.EntryProcessor;

/** Applies a {@link ProfileUpdate} to a profile atomically, on the member that owns the customer's entry. */
class ApplyEventToProfile implements EntryProcessor<String, CustomerProfile, CustomerProfile> {

    private final ProfileUpdate update;

    ApplyEventToProfile(ProfileUpdate update) {
        this.update = update;
    }

    @Override
    public CustomerProfile process(Map.Entry<String, CustomerProfile> entry) {
        CustomerProfile current = entry.getValue() != null ? entry.getValue() : CustomerProfile.empty(entry.getKey(), update.at());
        Set<String> anonymousIds = new LinkedHashSet<>(current.anonymousIds());
        if (update.anonymousId() != null) {
            anonymousIds.add(update.anonymousId());
        }
        Map<String, Object> attributes = new LinkedHashMap<>(current.attributes());
        if (update.traits() != null) {
            attributes.putAll(update.traits());
        }
        Map<String, Boolean> consents = new LinkedHashMap<>(current.consents());
        if (update.consents() != null) {
            consents.putAll(update.consents());
        }
        CustomerProfile next = new CustomerProfile(current.customerId(),
                update.email() != null ? update.email() : current.email(),
                update.phone() != null ? update.phone() : current.phone(),
                anonymousIds, attributes, consents,
                update.timeZone() != null ? update.timeZone() : current.timeZone(),
                update.locale() != null ? update.locale() : current.locale(),
                current.eventCount() + 1,
                current.createdAt(), update.at());
        entry.setValue(next);
        return next;
    }
}
