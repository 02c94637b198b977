package io.touchpoint.decisions;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer to a {@link DecisionRequest}: eligible or not, the offer, the channel, when to send, and why.
 * The rules fill it in through the methods below; each names its rule, which is recorded as fired, and as a
 * reason when it changed the decision. Once a rule declines, it is the only reason and later rules change nothing.
 */
public final class Decision {

    /** DECIDED: the rules answered. NO_DECISION: a fact could not be handled; nothing is sent. */
    public enum Outcome { DECIDED, NO_DECISION }

    private final String decisionName;
    private final String customerId;
    private final Instant now;
    private final ZoneId zone;
    private Outcome outcome = Outcome.DECIDED;
    private boolean eligible = true;
    private String offerCode;
    private String offerText;
    private String channel;
    private Instant sendAt;
    private final List<String> reasons = new ArrayList<>();
    private final List<String> firedRules = new ArrayList<>();
    private final Set<String> eligibleOffers = new LinkedHashSet<>();
    private Map<String, Object> learning;

    Decision(String decisionName, String customerId, Instant now, ZoneId zone) {
        this.decisionName = decisionName;
        this.customerId = customerId;
        this.now = now;
        this.zone = zone;
        this.sendAt = now;
    }

    /** A recorded "no decision": nothing is sent, and the reason says which fact could not be handled. */
    static Decision noDecision(String decisionName, String customerId, Instant now, String reason) {
        Decision decision = new Decision(decisionName, customerId, now, null);
        decision.outcome = Outcome.NO_DECISION;
        decision.eligible = false;
        decision.sendAt = null;
        decision.reasons.add(reason);
        return decision;
    }

    /** Rule action: send nothing. */
    public void decline(String rule) {
        if (fired(rule)) {
            notSent(rule);
        }
    }

    /** Rule action: the offer the message carries (the first offer wins). */
    public void offer(String rule, String code, String text) {
        if (fired(rule) && offerCode == null) {
            offerCode = code;
            offerText = text;
            reasons.add(rule);
        }
    }

    /**
     * Rule action of a learning decision: the catalogue's offer {@code offerId} may be made (every rule that matches
     * adds one; the learning chooses among them). In a decision without learning it does nothing but fire.
     */
    public void allowOffer(String rule, String offerId) {
        if (fired(rule) && offerId != null) {
            eligibleOffers.add(offerId);
        }
    }

    /** Rule action: send on this channel (the first channel wins). */
    public void useChannel(String rule, String chosen) {
        if (fired(rule) && channel == null && chosen != null) {
            channel = chosen;
            reasons.add(rule);
        }
    }

    /** Rule action: without a channel chosen so far, send nothing. */
    public void requireChannel(String rule) {
        if (channel == null) {
            decline(rule);
        } else {
            fired(rule);
        }
    }

    /** Rule action: at most {@code max} messages of the request's category in {@code days} local days. */
    public void cap(String rule, ContactHistory history, DecisionRequest request, int days, int max) {
        if (!fired(rule) || history.sentWithin(request.getCategory(), days, sendAt) < max) {
            return;
        }
        if (request.getWhenCapped() == WhenCapped.SKIP) {
            notSent(rule);
        } else {
            sendAt = history.nextAllowed(request.getCategory(), days, max, sendAt);
            reasons.add(rule);
        }
    }

    /** Rule action: nothing between {@code from} and {@code until} local time ("21:00", "08:00"); defer to {@code until}. */
    public void quietHours(String rule, String from, String until) {
        if (!fired(rule)) {
            return;
        }
        LocalTime start = LocalTime.parse(from);
        LocalTime end = LocalTime.parse(until);
        LocalDateTime local = LocalDateTime.ofInstant(sendAt, zone);
        LocalTime time = local.toLocalTime();
        boolean quiet = start.isAfter(end) ? !time.isBefore(start) || time.isBefore(end) : !time.isBefore(start) && time.isBefore(end);
        if (quiet) {
            LocalDateTime next = local.toLocalDate().atTime(end);
            if (!next.isAfter(local)) {
                next = next.plusDays(1);
            }
            sendAt = ZonedDateTime.of(next, zone).toInstant();
            reasons.add(rule);
        }
    }

    /** Starts the send time at {@code notBefore} (the customer's best time), so caps and quiet hours apply from there. */
    void startAt(Instant notBefore) {
        if (notBefore != null && notBefore.isAfter(sendAt)) {
            sendAt = notBefore;
            reasons.add("the customer's best send time");
        }
    }

    /** The learning's choice (null code: no offer), with its explanation for the decision log. */
    void learned(String code, String text, Map<String, Object> explanation, String reason) {
        offerCode = code;
        offerText = text;
        learning = explanation;
        reasons.add(reason);
    }

    /** Nothing is sent: the rule that said so is the whole reason (every fired rule stays in firedRules). */
    private void notSent(String rule) {
        eligible = false;
        reasons.clear();
        reasons.add(rule);
    }

    private boolean fired(String rule) {
        firedRules.add(rule);
        return eligible;
    }

    /** After the rules: an ineligible decision sends nothing, so it has no channel, offer or time. */
    void complete() {
        if (!eligible) {
            channel = null;
            offerCode = null;
            offerText = null;
            sendAt = null;
        }
    }

    public String getDecisionName() {
        return decisionName;
    }

    public String getCustomerId() {
        return customerId;
    }

    public Instant getNow() {
        return now;
    }

    public Outcome getOutcome() {
        return outcome;
    }

    public boolean isEligible() {
        return eligible;
    }

    public String getOfferCode() {
        return offerCode;
    }

    public String getOfferText() {
        return offerText;
    }

    public String getChannel() {
        return channel;
    }

    /** When to send: now, or later when a cap or quiet hours deferred it; null when nothing is sent. */
    public Instant getSendAt() {
        return sendAt;
    }

    public boolean isDeferred() {
        return sendAt != null && sendAt.isAfter(now);
    }

    /** The offers the rules allowed ({@link #allowOffer}), in the order the rules allowed them. */
    public List<String> getEligibleOffers() {
        return List.copyOf(eligibleOffers);
    }

    /** How the learning chose (eligible offers, posterior means, sampled values); null for a decision without learning. */
    public Map<String, Object> getLearning() {
        return learning;
    }

    /** Whether a learning decision held this customer out: no offer, counted as the baseline. */
    public boolean isHeldOut() {
        return learning != null && Boolean.TRUE.equals(learning.get(OfferLearning.HOLDOUT));
    }

    /** The rules that shaped the decision, in order (or the reason there is no decision). */
    public List<String> getReasons() {
        return Collections.unmodifiableList(reasons);
    }

    public List<String> getFiredRules() {
        return Collections.unmodifiableList(firedRules);
    }

    /** One line for logs and journeys: the reasons joined. */
    public String summary() {
        return reasons.isEmpty() ? "no rule matched" : String.join("; ", reasons);
    }
}
