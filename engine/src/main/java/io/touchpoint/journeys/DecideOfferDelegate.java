package io.touchpoint.journeys;

import java.util.Date;
import java.util.List;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionService;

/**
 * Service task "Decide offer": asks the rules for an abandoned-cart email and stores offerEligible, offerCode,
 * offerText, offerReason and sendAt (later than now when a cap or quiet hours deferred it).
 */
@Component("decideOfferDelegate")
public class DecideOfferDelegate implements JavaDelegate {

    static final String DECISION = "abandoned-cart-offer";

    private final DecisionService decisions;

    DecideOfferDelegate(DecisionService decisions) {
        this.decisions = decisions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Decision decision = decisions.decide(DecideWithRulesDelegate.requestFor(DECISION, execution).channels(List.of("email")));
        execution.setVariable("offerEligible", decision.isEligible() && decision.getOfferCode() != null);
        execution.setVariable("offerCode", decision.getOfferCode());
        execution.setVariable("offerText", decision.getOfferText());
        execution.setVariable("offerReason", decision.summary());
        execution.setVariable("sendAt", decision.getSendAt() == null ? null : Date.from(decision.getSendAt()));
    }
}
