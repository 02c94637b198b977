package io.touchpoint.journeys;

import java.util.HashMap;
import java.util.Map;
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
import io.touchpoint.channels.DeliveryLog;
import io.touchpoint.channels.MessageRequest;
import io.touchpoint.channels.MessageService;
import io.touchpoint.decisions.OfferRewards;

/**
 * The "Send message" block: sends the step's template through {@link MessageService}, once per journey instance and
 * step, on the channel the sending policy chose for it ({@link SendPolicyDelegate}, which the block compiler puts
 * before every send); nothing when the policy chose none. A webhook notifies our own systems, not the customer: it
 * is sent on its own channel without the policy. The template sees {@code event} (the triggering event's
 * properties), {@code lastEvent} (the latest event's properties), {@code offer} ({@code code}, {@code text}) and
 * the customer's profile. A failed send throws, so the engine retries the step and then raises an incident. A sent
 * message that carries an offer of a learning decision is handed to {@link OfferRewards}, which credits it on conversion.
 */
@Component("sendMessageDelegate")
public class SendMessageDelegate implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(SendMessageDelegate.class);
    static final String BEST = "best";
    static final String WEBHOOK = "webhook";

    private final Function<MessageRequest, Delivery> messages;
    private final OfferRewards rewards;

    @Autowired
    SendMessageDelegate(MessageService messages, OfferRewards rewards) {
        this.messages = messages::send;
        this.rewards = rewards;
    }

    /** For process tests: any sender (no learning offers). */
    public SendMessageDelegate(Function<MessageRequest, Delivery> messages) {
        this.messages = messages;
        this.rewards = null;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String customerId = (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID);
        String step = execution.getCurrentActivityId();
        String channel = (String) execution.getVariableLocal("channel");
        if (BEST.equals(channel) || !WEBHOOK.equals(channel) && execution.hasVariable(SendPolicyDelegate.channelVariable(step))) {
            // the policy's choice; a version deployed before the policy step keeps its fixed channel
            channel = (String) execution.getVariable(SendPolicyDelegate.channelVariable(step));
        }
        if (channel == null) {
            log.info("Step {} of journey instance {} sends nothing: the sending policy allows no channel",
                    step, execution.getProcessInstanceId());
            return;
        }
        Map<String, Object> variables = templateVariables(execution);
        Delivery delivery = messages.apply(new MessageRequest(execution.getProcessInstanceId() + ":" + step, customerId, Channel.of(channel),
                (String) execution.getVariableLocal("template"), (String) execution.getVariableLocal("category"), variables));
        if (rewards != null && delivery != null && delivery.status() == DeliveryLog.Status.SENT && variables.get("offer") instanceof Map<?, ?> offer) {
            rewards.sent(delivery.idempotencyKey(), customerId, offer, ClockUtil.getCurrentTime().toInstant()); // a learned offer went out
        }
    }

    /** What a template sees besides the customer: event, lastEvent, offer. */
    static Map<String, Object> templateVariables(DelegateExecution execution) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("event", properties(execution.getVariable(JourneyDispatcher.TRIGGER)));
        variables.put("lastEvent", properties(execution.getVariable(JourneyDispatcher.LAST_EVENT)));
        variables.put("offer", execution.getVariable(DecideWithRulesDelegate.OFFER) instanceof Map<?, ?> offer ? offer : DecideWithRulesDelegate.offer(null, null));
        return variables;
    }

    private static Object properties(Object event) {
        return event instanceof Map<?, ?> map && map.get("properties") instanceof Map<?, ?> properties ? properties : Map.of();
    }
}
