package io.touchpoint.decisions;

import java.time.Instant;
import java.util.List;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.CustomerProfile;

/**
 * Fires the running rules over one set of facts and returns the decision. Pure (no database) and thread-safe:
 * a fact the rules cannot handle, or a rule that throws, gives a "no decision" with the reason, never an exception.
 */
@Component
public class DecisionRules {

    private final RuleBase rules;

    public DecisionRules(RuleBase rules) {
        this.rules = rules;
    }

    /** Decides for the request at {@code now} with the customer's profile and contact history. */
    public Decision decide(DecisionRequest request, CustomerProfile profile, List<ContactHistory.Contact> sent, Instant now) {
        Decision decision;
        try {
            Customer customer = new Customer(profile);
            TriggerEvent event = TriggerEvent.from(request.getEvent());
            ContactHistory history = new ContactHistory(sent, customer.getZone());
            decision = new Decision(request.getDecisionName(), request.getCustomerId(), now, customer.getZone());
            decision.startAt(request.getNotBefore());
            rules.session().execute(List.of(request, request.getJourney(), customer, event, history, decision));
            decision.complete();
            if (decision.getChannel() != null && !customer.consentsTo(decision.getChannel(), request.getCategory())) {
                return Decision.noDecision(request.getDecisionName(), request.getCustomerId(), now,
                        "the rules chose " + decision.getChannel() + " without the customer's consent");
            }
        } catch (UnusableFactException e) {
            return Decision.noDecision(request.getDecisionName(), request.getCustomerId(), now, "unusable fact " + e.getMessage());
        } catch (RuntimeException e) {
            return Decision.noDecision(request.getDecisionName(), request.getCustomerId(), now, "the rules failed: " + rootMessage(e));
        }
        return decision;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = NestedExceptionUtils.getMostSpecificCause(e);
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
