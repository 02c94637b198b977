package io.touchpoint.journeys;

import java.util.Map;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.touchpoint.channels.AbandonedCartEmail;
import io.touchpoint.channels.MessageService;
import io.touchpoint.events.Cart;

/** Service task "Send reminder email": the cart items and the chosen offer, once per journey instance and step. */
@Component("sendReminderEmailDelegate")
public class SendReminderEmailDelegate implements JavaDelegate {

    private final MessageService messages;

    SendReminderEmailDelegate(MessageService messages) {
        this.messages = messages;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void execute(DelegateExecution execution) {
        String customerId = (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID);
        Cart cart = Cart.from((Map<String, Object>) execution.getVariable(JourneyDispatcher.TRIGGER));
        String idempotencyKey = execution.getProcessInstanceId() + ":" + execution.getCurrentActivityId();
        messages.send(AbandonedCartEmail.request(idempotencyKey, customerId, cart,
                (String) execution.getVariable("offerCode"), (String) execution.getVariable("offerText")));
    }
}
