package io.touchpoint.decisions;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import io.touchpoint.system.CounterFamily;

/**
 * Counts decisions: {@code touchpoint.decisions} tagged {@code decision} (its name in the journey) and {@code outcome}:
 * eligible (send now), deferred (send later: a cap or quiet hours), declined (send nothing), error (a recorded "no
 * decision": a rule threw, a fact could not be used, no profile; alert on it).
 */
@Component
class DecisionMetrics {

    private final CounterFamily decisions;

    DecisionMetrics(MeterRegistry registry) {
        this.decisions = new CounterFamily(registry, "touchpoint.decisions", "Decisions by name and outcome; error is a recorded no-decision",
                "decision", "outcome");
    }

    void decided(Decision decision) {
        decisions.with(decision.getDecisionName(), outcome(decision)).increment();
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
