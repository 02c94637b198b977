package io.touchpoint.journeys;

import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionService;
import io.touchpoint.decisions.LearningSettings;

/**
 * The "Decide with rules" block: asks {@link DecisionService} the named decision for this customer, with the step's
 * category (the block compiler fills in the journey's when the step has none), channels and, when the step asks
 * for it, the shared sending policy; copies the requested results into process variables: {@code eligible}
 * (boolean), {@code offer} (a map {@code {code, text}}, null without an offer), {@code channel}, {@code sendAt}
 * (a date), {@code reason} (the rules that decided).
 */
@Component("decideWithRulesDelegate")
public class DecideWithRulesDelegate implements JavaDelegate {

    static final String OFFER = "offer";
    /** The results a journey can ask for by name. */
    static final Set<String> RESULTS = Set.of("eligible", OFFER, "channel", "sendAt", "reason");
    /** The step's inputs of the learning mode ({@link LearningSettings#of}). */
    static final List<String> LEARNING_INPUTS = List.of(LearningSettings.MODE, "learningContext", "explorationFloor", "holdout",
            "conversionEvent", "attributionWindow");
    /** Value of the step's {@code sharedRules} input that applies the sending policy. */
    static final String SENDING_POLICY = "sendingPolicy";

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
        DecisionRequest request = requestFor((String) execution.getVariableLocal("decision"), execution);
        String category = (String) execution.getVariableLocal("category");
        if (category != null && !category.isBlank()) {
            request.category(category.trim());
        }
        String channels = (String) execution.getVariableLocal("channels");
        if (channels != null && !channels.isBlank()) {
            request.channels(Arrays.asList(channels.trim().split("\\s*,\\s*")));
        }
        if (SENDING_POLICY.equals(execution.getVariableLocal("sharedRules"))) {
            request.withSendingPolicy();
        }
        LearningSettings learning = learningSettings(execution);
        request.learning(learning);
        Decision decision = decisions.apply(request);
        Map<String, Object> results = results(decision, learning);
        for (String variable : ((String) execution.getVariableLocal("resultVariables")).split("\\s*,\\s*")) {
            Object value = results.get(variable);
            execution.getProcessInstance().setVariable(variable, value instanceof Map<?, ?> map
                    ? Variables.objectValue(new java.util.LinkedHashMap<>(map)).serializationDataFormat(Variables.SerializationDataFormats.JSON).create() : value);
        }
    }

    /** The step's learning settings (null: the rules choose the offer), read by the parser that checked them at deployment. */
    static LearningSettings learningSettings(DelegateExecution execution) {
        Map<String, Object> inputs = new HashMap<>();
        LEARNING_INPUTS.forEach(name -> inputs.put(name, execution.getVariableLocal(name)));
        return LearningSettings.of(inputs);
    }

    /** A decision request for this journey step: its customer, the event that started the journey, "now" from the engine clock. */
    @SuppressWarnings("unchecked")
    static DecisionRequest requestFor(String decision, DelegateExecution execution) {
        return DecisionRequest.of(decision, (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID))
                .event((Map<String, Object>) execution.getVariable(JourneyDispatcher.TRIGGER))
                .journey(execution.getProcessDefinitionId().split(":")[0], execution.getProcessInstanceId(), execution.getCurrentActivityId())
                .at(ClockUtil.getCurrentTime().toInstant());
    }

    /**
     * The results by name; {@code offer} is null when the rules chose none. A learned offer also carries what its
     * message needs to credit it ({@code learning}: decision, context, conversion event, attribution window).
     */
    static Map<String, Object> results(Decision decision, LearningSettings learning) {
        Map<String, Object> results = new HashMap<>();
        results.put("eligible", decision.isEligible());
        Map<String, Object> offer = decision.getOfferCode() == null ? null : offer(decision.getOfferCode(), decision.getOfferText());
        if (offer != null && learning != null && decision.getLearning() != null) {
            offer.put("learning", Map.of("decision", decision.getDecisionName(), "context", decision.getLearning().get("context"),
                    "conversionEvent", learning.conversionEvent(), "attributionWindow", learning.attributionWindow().toString()));
        }
        results.put(OFFER, offer);
        results.put("channel", decision.getChannel());
        results.put("sendAt", decision.getSendAt() == null ? null : Date.from(decision.getSendAt()));
        results.put("reason", decision.summary());
        return results;
    }

    /** The one shape of an offer, in journeys and templates: {@code {code, text}} (empty texts for none). */
    static Map<String, Object> offer(String code, String text) {
        Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("code", code == null ? "" : code);
        offer.put("text", text == null ? "" : text);
        return offer;
    }
}
