package io.touchpoint.decisions;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.touchpoint.profiles.CustomerProfile;

/**
 * What a journey asks the rules: the decision's name, the customer, the triggering event, the journey step, the
 * message's category (marketing or transactional), the channels it may use, what to do when a
 * frequency cap is reached, whether it applies the shared sending policy, and "now" from the engine clock. Build with
 * {@link #of(String, String)}. A rule serves the decision it names ({@code DecisionRequest( decisionName == "x" )}); the
 * shared sending policy (eligibility, channel, caps, quiet hours) fires only for a request that asks for it
 * ({@code DecisionRequest( sendingPolicy )}).
 */
public final class DecisionRequest {

    /** The channels a request may use when it names none (the fallback order is rules/channel.drl.csv). */
    public static final List<String> ALL_CHANNELS = List.of("email", "sms", "push");
    /** The decision every "Send message" step asks before it sends: the sending policy alone. */
    public static final String SEND_MESSAGE = "send-message";

    private final String decisionName;
    private final String customerId;
    private Map<String, Object> event;
    private JourneyContext journey = JourneyContext.NONE;
    private String category = CustomerProfile.MARKETING;
    private List<String> channels = ALL_CHANNELS;
    private WhenCapped whenCapped = WhenCapped.DEFER;
    private boolean sendingPolicy;
    private Instant now;
    private LearningSettings learning;
    private Instant notBefore;

    private DecisionRequest(String decisionName, String customerId) {
        this.decisionName = decisionName;
        this.customerId = customerId;
    }

    public static DecisionRequest of(String decisionName, String customerId) {
        return new DecisionRequest(decisionName, customerId);
    }

    /** The triggering event as journeys hold it ({@code type}, {@code properties}). */
    public DecisionRequest event(Map<String, Object> triggeringEvent) {
        this.event = triggeringEvent;
        return this;
    }

    public DecisionRequest journey(String journeyKey, String instanceId, String step) {
        this.journey = new JourneyContext(journeyKey, instanceId, step);
        return this;
    }

    /** {@code marketing} (default) or {@code transactional}: transactional messages bypass caps and quiet hours. */
    public DecisionRequest category(String messageCategory) {
        this.category = messageCategory;
        return this;
    }

    /** The channels this step may use (default email, sms, push); the order of trying them is rules/channel.drl.csv. */
    public DecisionRequest channels(List<String> fallbackOrder) {
        this.channels = List.copyOf(fallbackOrder);
        return this;
    }

    public DecisionRequest whenCapped(WhenCapped choice) {
        this.whenCapped = choice;
        return this;
    }

    /** Applies the shared sending policy too: eligibility, consented and reachable channel, frequency caps, quiet hours. */
    public DecisionRequest withSendingPolicy() {
        this.sendingPolicy = true;
        return this;
    }

    /** "Now" from the engine clock; without it the service reads its own clock. */
    public DecisionRequest at(Instant moment) {
        this.now = moment;
        return this;
    }

    /** Learning mode: the rules say which offers are eligible ({@code allowOffer}), Thompson sampling chooses. */
    public DecisionRequest learning(LearningSettings settings) {
        this.learning = settings;
        return this;
    }

    /** Send no earlier than this (the customer's best send time); caps and quiet hours apply from there. */
    public DecisionRequest notBefore(Instant earliest) {
        this.notBefore = earliest;
        return this;
    }

    public LearningSettings getLearning() {
        return learning;
    }

    public Instant getNotBefore() {
        return notBefore;
    }

    public String getDecisionName() {
        return decisionName;
    }

    public String getCustomerId() {
        return customerId;
    }

    public Map<String, Object> getEvent() {
        return event;
    }

    public JourneyContext getJourney() {
        return journey;
    }

    public String getCategory() {
        return category;
    }

    public boolean isMarketing() {
        return CustomerProfile.MARKETING.equals(category);
    }

    public List<String> getChannels() {
        return channels;
    }

    public boolean allows(String channel) {
        return channels.contains(channel);
    }

    public WhenCapped getWhenCapped() {
        return whenCapped;
    }

    /** Whether the shared sending policy rules apply to this request. */
    public boolean isSendingPolicy() {
        return sendingPolicy;
    }

    public Instant getNow() {
        return now;
    }
}
