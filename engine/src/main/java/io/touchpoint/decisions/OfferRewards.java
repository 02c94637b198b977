package io.touchpoint.decisions;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.system.Repeating;

/**
 * Rewards of the learning offers from real outcomes. Each message that carried a learned offer (and each holdout
 * decision) is an exposure (table {@code offer_exposure}) with its conversion event and the end of its attribution
 * window. The conversion event of the customer within the window credits the offer, once per message; a sweep
 * (every {@code touchpoint.learning.sweep-interval}, on every node) counts each exposure whose window ended without
 * one as a failure. Settling an exposure is a conditional update ("still open"), so it counts once however many
 * nodes and events race.
 */
@Component
public class OfferRewards implements DisposableBean {

    static final String CONVERTED = "CONVERTED";
    static final String FAILED = "FAILED";
    static final String RESET = "RESET";
    /**
     * The conversion event types some exposure waits for (or waited for since this cluster started), replicated to every
     * member and read locally for each event.
     */
    private static final String CONVERSION_EVENTS = "touchpoint.conversion-events";
    private static final Logger log = LoggerFactory.getLogger(OfferRewards.class);
    private static final int SWEEP_BATCH = 500;

    private final JdbcTemplate jdbc;
    private final OfferLearning learning;
    private final ReplicatedMap<String, Boolean> conversionEvents;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Duration sweepInterval;
    private Repeating sweeper;

    OfferRewards(JdbcTemplate jdbc, OfferLearning learning, HazelcastInstance hazelcast, PlatformTransactionManager transactions, Clock clock,
                 @Value("${touchpoint.learning.sweep-interval:PT1M}") Duration sweepInterval) {
        this.jdbc = jdbc;
        this.learning = learning;
        this.conversionEvents = hazelcast.getReplicatedMap(CONVERSION_EVENTS);
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.sweepInterval = sweepInterval;
        // only the types some exposure waits for: an event of another type never touches the database here
        jdbc.queryForList("select distinct conversion_event from offer_exposure where outcome is null", String.class)
                .forEach(type -> conversionEvents.put(type, true));
    }

    @EventListener(ApplicationReadyEvent.class)
    void startSweeping() {
        sweeper = Repeating.start("offer-rewards-sweep", sweepInterval, sweepInterval, () -> sweep(clock.instant()),
                e -> log.warn("TP-DECISION-010 The sweep of ended attribution windows failed; the next one retries", e));
    }

    @Override
    public void destroy() {
        if (sweeper != null) {
            sweeper.close();
        }
    }

    /**
     * A message carrying a learned offer was sent ({@code offer} as the learning decision gave it to the journey,
     * with its {@code learning} part): from now until the end of its window, the conversion event credits the offer.
     * In the caller's transaction; a second call for the same message changes nothing.
     */
    public void sent(String messageKey, String customerId, Map<?, ?> offer, Instant sentAt) {
        if (!(offer.get("learning") instanceof Map<?, ?> learned) || offer.get("code") == null || String.valueOf(offer.get("code")).isEmpty()) {
            return;
        }
        expose(messageKey, customerId, String.valueOf(learned.get("decision")), String.valueOf(learned.get("context")),
                String.valueOf(offer.get("code")), String.valueOf(learned.get("conversionEvent")),
                Duration.parse(String.valueOf(learned.get("attributionWindow"))), sentAt);
    }

    /** A holdout decision: no offer, but its conversions within the window are the baseline of the uplift. */
    void heldOut(DecisionRequest request, Decision decision) {
        String instance = request.getJourney().getInstanceId();
        String key = OfferLearning.HOLDOUT + ":" + (instance == null ? UUID.randomUUID() : instance + ":" + request.getJourney().getStep());
        LearningSettings settings = request.getLearning();
        expose(key, request.getCustomerId(), request.getDecisionName(), String.valueOf(decision.getLearning().get("context")),
                OfferLearning.HOLDOUT, settings.conversionEvent(), settings.attributionWindow(), decision.getNow());
    }

    private void expose(String messageKey, String customerId, String decisionName, String context, String offerId, String conversionEvent,
                        Duration window, Instant at) {
        Integer known = jdbc.queryForObject("select count(*) from offer_exposure where message_key = ?", Integer.class, messageKey);
        if (known != null && known > 0) {
            return;
        }
        jdbc.update("insert into offer_exposure (message_key, customer_id, decision_name, context, offer_id, conversion_event, exposed_at, "
                        + "window_ends) values (?, ?, ?, ?, ?, ?, ?, ?)", messageKey, customerId, decisionName, context, offerId, conversionEvent,
                Timestamp.from(at), Timestamp.from(at.plus(window)));
        conversionEvents.putIfAbsent(conversionEvent, true);
    }

    /**
     * An event of the customer: when it is a conversion event, it credits every offer of a message sent to the
     * customer whose window it falls in and that is not settled yet. Cheap for any other event (a local lookup).
     * In the caller's (the intake's) transaction. Answers how many messages it credited.
     */
    public int eventArrived(String customerId, String type, Instant occurredAt) {
        if (customerId == null || !conversionEvents.containsKey(type)) {
            return 0;
        }
        Timestamp at = Timestamp.from(occurredAt == null ? clock.instant() : occurredAt);
        List<Map<String, Object>> open = jdbc.queryForList("select message_key, decision_name, context, offer_id from offer_exposure"
                + " where customer_id = ? and outcome is null and conversion_event = ? and exposed_at <= ? and window_ends > ?", customerId, type, at, at);
        int credited = 0;
        for (Map<String, Object> exposure : open) {
            if (settle(exposure, CONVERTED, at.toInstant())) {
                credited++;
            }
        }
        return credited;
    }

    /** Counts every exposure whose window ended by {@code now} without a conversion as a failure. Answers how many. */
    public int sweep(Instant now) {
        int failed = 0;
        int[] batch;
        do {
            batch = transaction.execute(status -> {
                List<Map<String, Object>> ended = jdbc.queryForList("select message_key, decision_name, context, offer_id from offer_exposure"
                        + " where outcome is null and window_ends <= ? order by window_ends limit " + SWEEP_BATCH, Timestamp.from(now));
                int settled = 0;
                for (Map<String, Object> exposure : ended) {
                    settled += settle(exposure, FAILED, now) ? 1 : 0;
                }
                return new int[] {ended.size(), settled};
            });
            failed += batch[1];
        } while (batch[0] == SWEEP_BATCH);
        return failed;
    }

    /** Forgets what was learned about an offer: its conversions and failures, and the messages still open. */
    public void reset(String offerId) {
        transaction.executeWithoutResult(status -> {
            jdbc.update("update offer_exposure set outcome = ?, settled_at = ? where offer_id = ? and outcome is null",
                    RESET, Timestamp.from(clock.instant()), offerId);
            learning.forget(offerId);
        });
        log.info("Learning offers: what was learned about offer {} is reset", offerId);
    }

    private boolean settle(Map<String, Object> exposure, String outcome, Instant at) {
        String key = value(exposure, "message_key");
        if (jdbc.update("update offer_exposure set outcome = ?, settled_at = ? where message_key = ? and outcome is null",
                outcome, Timestamp.from(at), key) == 0) {
            return false; // settled meanwhile (another node, another event)
        }
        learning.settle(value(exposure, "decision_name"), value(exposure, "context"), value(exposure, "offer_id"), CONVERTED.equals(outcome));
        return true;
    }

    private static String value(Map<String, Object> row, String column) {
        return (String) row.get(column); // the row's keys ignore case
    }
}
