package io.touchpoint.journeys;

import java.util.Map;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.touchpoint.decisions.OfferDecision;
import io.touchpoint.decisions.OfferRequest;
import io.touchpoint.decisions.OfferService;
import io.touchpoint.events.Cart;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/** Service task "Decide offer": asks the offer rules and stores offerEligible, offerCode, offerText, offerReason. */
@Component("decideOfferDelegate")
public class DecideOfferDelegate implements JavaDelegate {

    private final OfferService offers;
    private final ProfileService profiles;

    DecideOfferDelegate(OfferService offers, ProfileService profiles) {
        this.offers = offers;
        this.profiles = profiles;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void execute(DelegateExecution execution) {
        String customerId = (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID);
        Cart cart = Cart.from((Map<String, Object>) execution.getVariable(JourneyDispatcher.TRIGGER));
        boolean emailConsent = profiles.find(customerId).map(p -> p.consentsTo("email", CustomerProfile.MARKETING)).orElse(true);
        OfferDecision decision = offers.decide(new OfferRequest(customerId, cart.total(), emailConsent));
        execution.setVariable("offerEligible", decision.isEligible());
        execution.setVariable("offerCode", decision.getOfferCode());
        execution.setVariable("offerText", decision.getOfferText());
        execution.setVariable("offerReason", decision.getReason());
    }
}
