package io.touchpoint.system;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The counters of one meter name, one per combination of tag values ({@code touchpoint.journeys} by journey and
 * what happened): registered on first use and kept, so counting on a hot path builds no meter id. The features'
 * {@code *Metrics} classes count through one each.
 */
public final class CounterFamily {

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final List<String> tagKeys;
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    public CounterFamily(MeterRegistry registry, String name, String description, String... tagKeys) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.tagKeys = List.of(tagKeys);
    }

    /** The counter of these tag values, in the order of the tag keys (null is counted as "null"). */
    public Counter with(String... tagValues) {
        return counters.computeIfAbsent(Arrays.stream(tagValues).map(String::valueOf).toList(), values -> {
            Counter.Builder counter = Counter.builder(name).description(description);
            for (int i = 0; i < tagKeys.size(); i++) {
                counter.tag(tagKeys.get(i), values.get(i));
            }
            return counter.register(registry);
        });
    }
}
