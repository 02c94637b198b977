package io.touchpoint.decisions;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.AbstractRandomGenerator;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.SynchronizedRandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.touchpoint.profiles.CustomerProfile;

/**
 * The learning decision: among the offers the rules marked eligible (and the catalogue has, valid now, for the
 * message's channel), Thompson sampling on each offer's conversion rate chooses, per decision and context. Each
 * offer's posterior is Beta(1 + conversions, 1 + failures) from the cluster's one learning state, a Hazelcast map
 * (near-cached on every member) kept in step with table {@code offer_arm}: a change is written to the table in the
 * caller's transaction and to the map after it commits; the map is filled from the table when the cluster starts.
 * A holdout share gets no offer; an exploration floor chooses uniformly at random.
 */
@Component
public class OfferLearning {

    static final String MAP = "touchpoint.offer-arms";
    /** The pseudo-offer that holds the holdout's outcomes; never chosen. */
    public static final String HOLDOUT = "holdout";
    private static final Logger log = LoggerFactory.getLogger(OfferLearning.class);

    /** What is known of one offer in one decision and context. */
    public record Arm(long successes, long failures) implements Serializable {
        static final Arm NONE = new Arm(0, 0);

        Arm plus(boolean converted) {
            return converted ? new Arm(successes + 1, failures) : new Arm(successes, failures + 1);
        }
    }

    /** The map's configuration: object format, near-cached on every member (reads of the hot path stay local). */
    @Configuration
    static class ArmsMap {
        @Bean
        MapConfig offerArmsMapConfig() {
            return new MapConfig(MAP).setInMemoryFormat(InMemoryFormat.OBJECT).setBackupCount(1)
                    .setNearCacheConfig(new NearCacheConfig(MAP).setInMemoryFormat(InMemoryFormat.OBJECT)
                            .setCacheLocalEntries(true).setInvalidateOnChange(true));
        }
    }

    private final OfferCatalogue catalogue;
    private final IMap<String, Arm> arms;
    private final JdbcTemplate jdbc;
    private final RandomGenerator random;

    @Autowired
    OfferLearning(OfferCatalogue catalogue, HazelcastInstance hazelcast, JdbcTemplate jdbc, @Value("${touchpoint.learning.seed:}") String seed) {
        this(catalogue, hazelcast, jdbc, seed.isBlank() ? new ThreadLocalGenerator() : new SynchronizedRandomGenerator(new MersenneTwister(Long.parseLong(seed))));
        loadFromDatabase();
    }

    /** With a given source of randomness (seeded in tests); {@code jdbc} null keeps the state in the map alone (benchmarks). */
    public OfferLearning(OfferCatalogue catalogue, HazelcastInstance hazelcast, JdbcTemplate jdbc, RandomGenerator random) {
        this.catalogue = catalogue;
        this.arms = hazelcast.getMap(MAP);
        this.jdbc = jdbc;
        this.random = random;
    }

    /**
     * Fills the cluster's learning state from table {@code offer_arm}, keeping what the map already holds (another
     * member loaded it, or learned since). Runs when the engine starts; answers how many offers it loaded.
     */
    public int loadFromDatabase() {
        int[] loaded = {0};
        jdbc.query("select decision_name, context, offer_id, successes, failures from offer_arm", row -> {
            if (arms.putIfAbsent(key(row.getString(1), row.getString(2), row.getString(3)), new Arm(row.getLong(4), row.getLong(5))) == null) {
                loaded[0]++;
            }
        });
        log.info("Learning offers: {} offer states loaded from the database", loaded[0]);
        return loaded[0];
    }

    /** Chooses the offer of a learning decision the rules found eligible, and records why in the decision. */
    public void choose(DecisionRequest request, CustomerProfile profile, Decision decision) {
        LearningSettings settings = request.getLearning();
        String context = context(settings, request, profile);
        List<String> channels = decision.getChannel() != null ? List.of(decision.getChannel()) : request.getChannels();
        List<Offer> eligible = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (String id : decision.getEligibleOffers()) {
            Optional<Offer> offer = catalogue.find(id).filter(o -> o.validAt(decision.getNow()) && o.allowsAny(channels));
            offer.ifPresentOrElse(eligible::add, () -> excluded.add(id));
        }
        Map<String, Object> explanation = new LinkedHashMap<>();
        explanation.put("context", context);
        explanation.put("eligible", eligible.stream().map(Offer::id).toList());
        if (!excluded.isEmpty()) {
            explanation.put("notInCatalogueOrNotValid", excluded);
        }
        if (eligible.isEmpty()) {
            decision.learned(null, null, explanation, "learning: no eligible offer in the catalogue");
            return;
        }
        double draw = random.nextDouble();
        if (draw < settings.holdout()) {
            explanation.put(HOLDOUT, true);
            decision.learned(null, null, explanation, "learning: holdout (no offer, to measure the uplift)");
            return;
        }
        boolean explore = draw < settings.holdout() + settings.explorationFloor();
        Set<String> keys = new LinkedHashSet<>();
        eligible.forEach(offer -> keys.add(key(request.getDecisionName(), context, offer.id())));
        Map<String, Arm> known = arms.getAll(keys);
        List<Map<String, Object>> posteriors = new ArrayList<>();
        Offer chosen = null;
        double best = -1;
        for (Offer offer : eligible) {
            Arm arm = known.getOrDefault(key(request.getDecisionName(), context, offer.id()), Arm.NONE);
            double alpha = 1 + arm.successes();
            double beta = 1 + arm.failures();
            double sample = new BetaDistribution(random, alpha, beta).sample();
            Map<String, Object> posterior = new LinkedHashMap<>();
            posterior.put("offer", offer.id());
            posterior.put("conversions", arm.successes());
            posterior.put("failures", arm.failures());
            posterior.put("posteriorMean", round(alpha / (alpha + beta)));
            posterior.put("sampled", round(sample));
            posteriors.add(posterior);
            if (sample > best) {
                best = sample;
                chosen = offer;
            }
        }
        if (explore) {
            chosen = eligible.get(random.nextInt(eligible.size()));
        }
        explanation.put("offers", posteriors);
        explanation.put("explored", explore);
        explanation.put("chosen", chosen.id());
        decision.learned(chosen.id(), chosen.textFor(profile.locale()), explanation, explore
                ? "learning: the exploration floor chose " + chosen.id() + " at random"
                : "learning: Thompson sampling chose " + chosen.id() + " (highest sampled conversion rate)");
    }

    /** One outcome of an offer: written to {@code offer_arm} in the caller's transaction, to the map after it commits. */
    void settle(String decisionName, String context, String offerId, boolean converted) {
        String column = converted ? "successes" : "failures";
        if (jdbc.update("update offer_arm set " + column + " = " + column + " + 1 where decision_name = ? and context = ? and offer_id = ?",
                decisionName, context, offerId) == 0) {
            jdbc.update("insert into offer_arm (decision_name, context, offer_id, successes, failures) values (?, ?, ?, ?, ?)",
                    decisionName, context, offerId, converted ? 1 : 0, converted ? 0 : 1);
        }
        String key = key(decisionName, context, offerId);
        afterCommit(() -> arms.executeOnKey(key, (EntryProcessor<String, Arm, Object>) entry -> {
            entry.setValue((entry.getValue() == null ? Arm.NONE : entry.getValue()).plus(converted));
            return null;
        }));
    }

    /** Forgets what was learned about an offer, in every decision and context. */
    void forget(String offerId) {
        jdbc.update("delete from offer_arm where offer_id = ?", offerId);
        afterCommit(() -> arms.keySet().stream().filter(key -> offerId.equals(offerOf(key))).forEach(arms::delete));
    }

    /** The learning state as the cluster holds it, by decision, context and offer (reports and tests). */
    public Map<List<String>, Arm> state() {
        Map<List<String>, Arm> state = new LinkedHashMap<>();
        arms.forEach((key, arm) -> state.put(List.of(key.split("\u001f", -1)), arm));
        return state;
    }

    /** The context the learning is kept per: "" without one. */
    static String context(LearningSettings settings, DecisionRequest request, CustomerProfile profile) {
        return switch (settings.context()) {
            case "step" -> String.valueOf(request.getJourney().getStep());
            case "locale" -> profile.locale() == null ? "" : profile.locale();
            case "segment" -> profile.attributes().get("segment") == null ? "" : String.valueOf(profile.attributes().get("segment"));
            default -> "";
        };
    }

    static String key(String decisionName, String context, String offerId) {
        return decisionName + "\u001f" + context + "\u001f" + offerId;
    }

    private static String offerOf(String key) {
        return key.substring(key.lastIndexOf('\u001f') + 1);
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    private static void afterCommit(Runnable work) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    work.run();
                }
            });
        } else {
            work.run();
        }
    }

    /** Randomness without contention: each thread draws from its own {@link ThreadLocalRandom}. */
    static final class ThreadLocalGenerator extends AbstractRandomGenerator {
        @Override
        public void setSeed(long seed) {
            throw new UnsupportedOperationException("ThreadLocalRandom cannot be seeded; set touchpoint.learning.seed instead");
        }

        @Override
        public double nextDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }

        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public double nextGaussian() {
            return ThreadLocalRandom.current().nextGaussian();
        }
    }
}
