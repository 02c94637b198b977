package io.touchpoint.profiles;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

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

    private final Map<String, Counter> updates;

    ProfileMetrics(MeterRegistry registry) {
        this.updates = Stream.of(EVENT, MERGE, EDIT, ERASE).collect(Collectors.toMap(Function.identity(), kind -> Counter
                .builder("touchpoint.profile.updates").description("Changes of customer profiles by kind")
                .tag("kind", kind).register(registry)));
    }

    void updated(String kind) {
        updates.get(kind).increment();
    }
}
