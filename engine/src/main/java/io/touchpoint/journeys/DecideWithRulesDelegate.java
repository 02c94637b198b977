package io.touchpoint.journeys;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Optional;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.touchpoint.decisions.RuleBase;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * PLACEHOLDER for the "Decide with rules" template until the decisions service (issue 5) provides the real
 * {@code decideWithRulesDelegate}: asks the rule base with a {@link RulesQuestion}, sets the requested result
 * variables from the {@link RulesAnswer} and records the deciding rule in {@code decidedBy_<step>}.
 */
@Component("decideWithRulesDelegate")
public class DecideWithRulesDelegate implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(DecideWithRulesDelegate.class);

    private final RuleBase rules;
    private final Function<String, Optional<CustomerProfile>> profiles;

    @Autowired
    DecideWithRulesDelegate(RuleBase rules, ProfileService profiles) {
        this(rules, profiles::find);
    }

    public DecideWithRulesDelegate(RuleBase rules, Function<String, Optional<CustomerProfile>> profiles) {
        this.rules = rules;
        this.profiles = profiles;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String customerId = (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID);
        String decision = (String) execution.getVariableLocal("decision");
        Map<String, Object> attributes = profiles.apply(customerId).map(CustomerProfile::attributes).orElse(Map.of());
        RulesAnswer answer = new RulesAnswer();
        rules.session().execute(List.of(new RulesQuestion(decision, customerId, attributes), answer));
        for (String variable : ((String) execution.getVariableLocal("resultVariables")).split("\\s*,\\s*")) {
            execution.getProcessInstance().setVariable(variable, answer.results().get(variable));
        }
        execution.getProcessInstance().setVariable("decidedBy_" + execution.getCurrentActivityId(), answer.rule());
        log.info("Decision {} for customer {}: {} by rule '{}'", decision, customerId, answer.results(), answer.rule());
    }
}
