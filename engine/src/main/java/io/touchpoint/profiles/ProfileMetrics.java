package io.touchpoint.profiles;

import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import io.touchpoint.system.CounterFamily;

/**
 * Counts changes of profiles: {@code touchpoint.profile.updates} tagged {@code kind}: event (an event applied), merge
 * (an event that merged customers), edit (attributes or consents changed over the API), erase. Counted when the change
 * is made, in its transaction: a transaction that rolls back and is taken again counts twice.
 */
@Component
class ProfileMetrics {

    static final String EVENT = "event";
    static final String MERGE = "merge";
    static final String EDIT = "edit";
    static final String ERASE = "erase";

    private final CounterFamily updates;

    ProfileMetrics(MeterRegistry registry) {
        this.updates = new CounterFamily(registry, "touchpoint.profile.updates", "Changes of customer profiles by kind", "kind");
        Stream.of(EVENT, MERGE, EDIT, ERASE).forEach(updates::with); // every kind from the start, at 0
    }

    void updated(String kind) {
        updates.with(kind).increment();
    }
}
