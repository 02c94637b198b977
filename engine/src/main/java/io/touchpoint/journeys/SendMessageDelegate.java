package io.touchpoint.journeys;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.touchpoint.channels.Channel;
import io.touchpoint.channels.Delivery;
import io.touchpoint.channels.MessageRequest;
import io.touchpoint.channels.MessageService;
import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionService;

/**
 * The "Send message" block: sends the step's template on its channel through {@link MessageService}, once per
 * journey instance and step. Channel "best" lets the channel rules choose a consented, reachable channel.
 * The template sees {@code event} (the triggering event's properties), {@code offer} ({@code code}, {@code text})
 * and the customer's profile. A failed send throws, so the engine retries the step and then raises an incident.
 */
@Component("sendMessageDelegate")
public class SendMessageDelegate implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(SendMessageDelegate.class);
    static final String BEST = "best";

    private final Function<MessageRequest, Delivery> messages;
    private final BiFunction<String, String, String> bestChannel;

    @Autowired
    SendMessageDelegate(MessageService messages, DecisionService decisions) {
        this(messages::send, (customerId, category) -> {
            Decision decision = decisions.decide(DecisionRequest.of("channel", customerId).category(category)
                    .at(ClockUtil.getCurrentTime().toInstant()));
            return decision.isEligible() ? decision.getChannel() : null;
        });
    }

    /** For process tests: any sender, and any way of choosing the best channel (customer id, category → channel). */
    public SendMessageDelegate(Function<MessageRequest, Delivery> messages, BiFunction<String, String, String> bestChannel) {
        this.messages = messages;
        this.bestChannel = bestChannel;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String customerId = (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID);
        String category = (String) execution.getVariableLocal("category");
        String channel = (String) execution.getVariableLocal("channel");
        if (BEST.equals(channel)) {
            channel = bestChannel.apply(customerId, category);
        }
        if (channel == null) {
            log.info("Step {} of journey instance {} sends nothing: the customer has no consented, reachable channel",
                    execution.getCurrentActivityId(), execution.getProcessInstanceId());
            return;
        }
        messages.apply(new MessageRequest(execution.getProcessInstanceId() + ":" + execution.getCurrentActivityId(), customerId,
                Channel.of(channel), (String) execution.getVariableLocal("template"), category, templateVariables(execution)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> templateVariables(DelegateExecution execution) {
        Map<String, Object> trigger = (Map<String, Object>) execution.getVariable(JourneyDispatcher.TRIGGER);
        Map<String, Object> offer = new HashMap<>();
        offer.put("code", execution.getVariable("offerCode") != null ? execution.getVariable("offerCode") : execution.getVariable("offer"));
        offer.put("text", execution.getVariable("offerText"));
        Map<String, Object> variables = new HashMap<>();
        variables.put("event", trigger == null ? Map.of() : trigger.getOrDefault("properties", Map.of()));
        variables.put("offer", offer);
        return variables;
    }
}
