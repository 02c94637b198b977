package io.touchpoint.journeys;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counts what happens to journey runs: {@code touchpoint.journeys} tagged {@code journey} (the process definition
 * key) and {@code what}: started, continued (an event moved a waiting run on), goal (a run reached its goal), ended
 * (however it ended). Counted when it happens, in its transaction: a transaction that rolls back and is taken again
 * (a batch of events that failed as a whole, a retried job) counts twice.
 */
@Component
class JourneyMetrics {

    static final String STARTED = "started";
    static final String CONTINUED = "continued";
    static final String GOAL = "goal";
    static final String ENDED = "ended";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    JourneyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void counted(String journeyKey, String what) {
        counters.computeIfAbsent(journeyKey + ' ' + what, key -> Counter.builder("touchpoint.journeys")
                .description("Journey runs started, continued by an event, reaching their goal, ended")
                .tag("journey", journeyKey).tag("what", what).register(registry)).increment();
    }
}
