package io.touchpoint.journeys;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import io.touchpoint.system.CounterFamily;

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

    private final CounterFamily runs;

    JourneyMetrics(MeterRegistry registry) {
        this.runs = new CounterFamily(registry, "touchpoint.journeys", "Journey runs started, continued by an event, reaching their goal, ended",
                "journey", "what");
    }

    void counted(String journeyKey, String what) {
        runs.with(journeyKey, what).increment();
    }
}
