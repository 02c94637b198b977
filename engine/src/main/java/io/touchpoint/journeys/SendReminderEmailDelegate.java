package io.touchpoint.journeys;

import java.util.Map;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.touchpoint.channels.AbandonedCartEmail;
import io.touchpoint.channels.EmailChannel;
import io.touchpoint.events.Cart;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/** Service task "Send reminder email": the cart items and the chosen offer, once per journey instance and step. */
@Component("sendReminderEmailDelegate")
public class SendReminderEmailDelegate implements JavaDelegate {

    private final EmailChannel email;
    private final ProfileService profiles;

    SendReminderEmailDelegate(EmailChannel email, ProfileService profiles) {
        this.email = email;
        this.profiles = profiles;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void execute(DelegateExecution execution) {
        String customerId = (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID);
        Cart cart = Cart.from((Map<String, Object>) execution.getVariable(JourneyDispatcher.TRIGGER));
        String to = profiles.find(customerId).map(CustomerProfile::email).orElse(null);
        String idempotencyKey = execution.getProcessInstanceId() + ":" + execution.getCurrentActivityId();
        email.send(AbandonedCartEmail.compose(idempotencyKey, customerId, to, cart, (String) execution.getVariable("offerText")));
    }
}
