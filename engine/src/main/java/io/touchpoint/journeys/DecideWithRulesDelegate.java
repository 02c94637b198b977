package io.touchpoint.journeys;

import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionService;

/**
 * The "Decide with rules" block: asks {@link DecisionService} the named decision for this customer and copies the
 * requested results (eligible, offer, offerText, channel, sendAt, reason) into process variables.
 */
@Component("decideWithRulesDelegate")
public class DecideWithRulesDelegate implements JavaDelegate {

    private final Function<DecisionRequest, Decision> decisions;

    @Autowired
    DecideWithRulesDelegate(DecisionService decisions) {
        this(decisions::decide);
    }

    /** For process tests: any way of answering a request. */
    public DecideWithRulesDelegate(Function<DecisionRequest, Decision> decisions) {
        this.decisions = decisions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        Decision decision = decisions.apply(requestFor((String) execution.getVariableLocal("decision"), execution));
        Map<String, Object> results = results(decision);
        for (String variable : ((String) execution.getVariableLocal("resultVariables")).split("\\s*,\\s*")) {
            execution.getProcessInstance().setVariable(variable, results.get(variable));
        }
    }

    /** A decision request for this journey step: its customer, the event that started the journey, "now" from the engine clock. */
    @SuppressWarnings("unchecked")
    static DecisionRequest requestFor(String decision, DelegateExecution execution) {
        return DecisionRequest.of(decision, (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID))
                .event((Map<String, Object>) execution.getVariable(JourneyDispatcher.TRIGGER))
                .journey(execution.getProcessDefinitionId().split(":")[0], execution.getProcessInstanceId(), execution.getCurrentActivityId())
                .at(ClockUtil.getCurrentTime().toInstant());
    }

    /** The results a journey can ask for by name. */
    static Map<String, Object> results(Decision decision) {
        Map<String, Object> results = new HashMap<>();
        results.put("eligible", decision.isEligible());
        results.put("offer", decision.getOfferCode());
        results.put("offerCode", decision.getOfferCode());
        results.put("offerText", decision.getOfferText());
        results.put("channel", decision.getChannel());
        results.put("sendAt", decision.getSendAt() == null ? null : Date.from(decision.getSendAt()));
        results.put("reason", decision.summary());
        return results;
    }
}
