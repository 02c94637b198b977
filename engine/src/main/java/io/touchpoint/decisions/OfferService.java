package io.touchpoint.decisions;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Asks the rules in {@code rules/offer.drl} which offer a customer gets. */
@Service
public class OfferService {

    private static final Logger log = LoggerFactory.getLogger(OfferService.class);

    private final RuleBase rules;

    OfferService(RuleBase rules) {
        this.rules = rules;
    }

    public OfferDecision decide(OfferRequest request) {
        OfferDecision decision = new OfferDecision();
        rules.session().execute(List.of(request, decision));
        log.info("Offer for customer {}: {} ({})", request.customerId(),
                decision.isEligible() ? decision.getOfferCode() : "none", decision.getReason());
        return decision;
    }
}
