package io.touchpoint.decisions;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * What journeys call to decide: gathers the facts (profile, triggering event, contact history, journey context,
 * now), asks the rules and records the decision. Stateless and thread-safe; never throws for a fact the rules
 * cannot handle: that is a recorded "no decision" with its reason. The bean is named {@code ruleDecisionService}:
 * Camunda already registers its DMN service as {@code decisionService}.
 */
@Service("ruleDecisionService")
public class DecisionService {

    private static final Logger log = LoggerFactory.getLogger(DecisionService.class);

    private final DecisionRules rules;
    private final ProfileService profiles;
    private final DeliveryHistory history;
    private final DecisionLog decisions;
    private final Clock clock;
    private final DecisionMetrics metrics;
    private final OfferLearning learning;
    private final OfferRewards rewards;

    DecisionService(DecisionRules rules, ProfileService profiles, DeliveryHistory history, DecisionLog decisions, Clock clock,
                    DecisionMetrics metrics, OfferLearning learning, OfferRewards rewards) {
        this.learning = learning;
        this.rewards = rewards;
        this.rules = rules;
        this.profiles = profiles;
        this.history = history;
        this.decisions = decisions;
        this.clock = clock;
        this.metrics = metrics;
    }

    public Decision decide(DecisionRequest request) {
        Instant now = request.getNow() != null ? request.getNow() : clock.instant();
        Optional<CustomerProfile> profile = request.getCustomerId() == null ? Optional.empty() : profiles.find(request.getCustomerId());
        List<ContactHistory.Contact> sent = profile.isEmpty() ? List.of() : history.sentTo(request.getCustomerId(), now);
        Decision decision = profile
                .map(p -> rules.decide(request, p, sent, now))
                .orElseGet(() -> Decision.noDecision(request.getDecisionName(), request.getCustomerId(), now,
                        "unusable fact customerId: no profile for '" + request.getCustomerId() + "'"));
        if (request.getLearning() != null && profile.isPresent() && decision.getOutcome() == Decision.Outcome.DECIDED && decision.isEligible()) {
            learning.choose(request, profile.get(), decision);
            if (decision.isHeldOut()) {
                rewards.heldOut(request, decision);
            }
        }
        Map<String, Object> inputs = inputs(request, profile, sent);
        if (decision.getLearning() != null) {
            inputs.put("learning", decision.getLearning());
        }
        decisions.record(request, decision, inputs);
        metrics.decided(decision);
        log.info("Decision {} in journey instance {}: {} channel={} offer={} sendAt={} ({})", request.getDecisionName(), request.getJourney().getInstanceId(),
                decision.getOutcome() == Decision.Outcome.NO_DECISION ? "no decision" : decision.isEligible() ? "eligible" : "not eligible",
                decision.getChannel(), decision.getOfferCode(), decision.getSendAt(), decision.summary());
        return decision;
    }

    /** The summary of the facts stored with the decision: enough to explain it, no message content. */
    private static Map<String, Object> inputs(DecisionRequest request, Optional<CustomerProfile> profile, List<ContactHistory.Contact> sent) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("category", request.getCategory());
        inputs.put("channels", request.getChannels());
        inputs.put("whenCapped", request.getWhenCapped().name());
        Map<String, Object> event = request.getEvent() == null ? Map.of() : request.getEvent();
        inputs.put("eventType", event.get("type"));
        inputs.put("eventProperties", event.getOrDefault("properties", Map.of()));
        profile.ifPresent(p -> {
            inputs.put("timeZone", p.timeZone());
            inputs.put("consents", p.consents());
            inputs.put("reachable", Map.of("email", p.email() != null, "sms", p.phone() != null));
            inputs.put("attributes", p.attributes());
        });
        inputs.put("sentLast32Days", sent.stream().map(c -> Map.of("channel", String.valueOf(c.channel()),
                "category", String.valueOf(c.category()), "sentAt", c.sentAt().toString())).toList());
        return inputs;
    }
}
