package io.touchpoint.decisions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counts decisions: {@code touchpoint.decisions} tagged {@code decision} (its name in the journey) and {@code outcome}:
 * eligible (send now), deferred (send later: a cap or quiet hours), declined (send nothing), error (a recorded "no
 * decision": a rule threw, a fact could not be used, no profile; alert on it).
 */
@Component
class DecisionMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    DecisionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void decided(Decision decision) {
        String outcome = outcome(decision);
        counters.computeIfAbsent(decision.getDecisionName() + ' ' + outcome, key -> Counter.builder("touchpoint.decisions")
                .description("Decisions by name and outcome; error is a recorded no-decision")
                .tag("decision", String.valueOf(decision.getDecisionName())).tag("outcome", outcome).register(registry)).increment();
    }

    static String outcome(Decision decision) {
        if (decision.getOutcome() == Decision.Outcome.NO_DECISION) {
            return "error";
        }
        if (!decision.isEligible()) {
            return "declined";
        }
        return decision.isDeferred() ? "deferred" : "eligible";
    }
}
