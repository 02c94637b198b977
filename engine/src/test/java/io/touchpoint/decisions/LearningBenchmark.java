package io.touchpoint.decisions;

import static io.touchpoint.decisions.RuleFixtures.customer;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;

import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.system.HazelcastConfiguration;

/**
 * Learning decisions per second, in process: the real rule base (rules/, with next-best-offer.drl marking the eligible
 * offers) plus Thompson sampling over the catalogue of rules/offers.yaml, its learning state in an embedded Hazelcast
 * member (near-cached map, as the engine configures it) holding some outcomes per offer and segment. Measures the
 * choice, not the decision log insert the service adds. Run: ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=LearningBenchmark
 */
class LearningBenchmark {

    private static final Logger log = LoggerFactory.getLogger(LearningBenchmark.class);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    private static final Duration MEASURE = Duration.ofSeconds(15);
    private static final String[] SEGMENTS = {"new", "loyal", "lapsed", "vip"};

    private record Facts(DecisionRequest request, CustomerProfile profile, Instant now) {
    }

    @Test
    void learningDecisionsPerSecondOnOneAndOnTwoThreads() throws Exception {
        Config config = HazelcastConfiguration.memberConfig(new HazelcastConfiguration.Network("learning-bench-" + UUID.randomUUID(),
                "benchmark", "127.0.0.1", 5970, List.of(), 0));
        config.addMapConfig(new OfferLearning.ArmsMap().offerArmsMapConfig());
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        try {
            OfferCatalogue catalogue = new OfferCatalogue(List.copyOf(OfferCatalogue.parse(
                    new ClassPathResource("touchpoint/rules/offers.yaml").getContentAsByteArray()).values()));
            OfferLearning learning = new OfferLearning(catalogue, member, null, new OfferLearning.ThreadLocalGenerator());
            Random random = new Random(42);
            for (String segment : SEGMENTS) {
                for (Offer offer : catalogue.offers()) {
                    member.<String, OfferLearning.Arm>getMap(OfferLearning.MAP).set(OfferLearning.key("next-best-offer", segment, offer.id()),
                            new OfferLearning.Arm(random.nextInt(300), 1_000 + random.nextInt(2_000)));
                }
            }
            DecisionRules rules = new DecisionRules(RuleFixtures.RULES);
            List<Facts> mix = mix(2_000);

            run(rules, learning, mix, 2, WARM_UP);
            run(rules, null, mix, 1, MEASURE); // the rules alone, the same facts: what the learning adds
            double oneThread = run(rules, learning, mix, 1, MEASURE);
            double twoThreads = run(rules, learning, mix, 2, MEASURE);
            log.info("LearningBenchmark (in process, {} cores): {} learning decisions/s on 1 thread ({} µs each), {} on 2 threads",
                    Runtime.getRuntime().availableProcessors(), Math.round(oneThread), String.format("%.1f", 1_000_000 / oneThread), Math.round(twoThreads));
        } finally {
            member.shutdown();
        }
    }

    private static double run(DecisionRules rules, OfferLearning learning, List<Facts> mix, int threads, Duration length) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<long[]>> counts = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int offset = t * 997;
            counts.add(pool.submit(() -> {
                long cpuStart = CPU.getCurrentThreadCpuTime();
                long done = 0;
                long offered = 0;
                while (running.get()) {
                    Facts f = mix.get((int) ((done + offset) % mix.size()));
                    Decision decision = rules.decide(f.request(), f.profile(), List.of(), f.now());
                    if (learning != null) {
                        learning.choose(f.request(), f.profile(), decision);
                        offered += decision.getOfferCode() == null ? 0 : 1;
                    }
                    done++;
                }
                return new long[] {done, offered, CPU.getCurrentThreadCpuTime() - cpuStart};
            }));
        }
        Thread.sleep(length.toMillis()); // the measured interval itself, not a wait for a condition
        running.set(false);
        long total = 0;
        long offered = 0;
        long cpuNanos = 0;
        for (Future<long[]> count : counts) {
            total += count.get()[0];
            offered += count.get()[1];
            cpuNanos += count.get()[2];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        assertThat(learning == null || offered > 0).as("learning decisions with an offer").isTrue();
        // on a shared machine the wall-clock rate depends on the load; the CPU time per decision does not
        log.info("LearningBenchmark: {}, {} threads, {} decisions in {} s, {}% with an offer; {} µs CPU per decision = {} decisions/s per idle core",
                learning == null ? "rules alone" : "rules + learning", threads, total, String.format("%.1f", seconds),
                offered * 100 / Math.max(1, total), String.format("%.1f", cpuNanos / 1e3 / Math.max(1, total)),
                Math.round(total / Math.max(1e-9, cpuNanos / 1e9)));
        return total / seconds;
    }

    private static List<Facts> mix(int size) {
        Random random = new Random(42);
        Instant base = Instant.parse("2026-11-22T00:00:00Z");
        LearningSettings settings = LearningSettings.of(Map.of("mode", "learning", "learningContext", "segment", "holdout", "10"));
        List<Facts> mix = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            RuleFixtures.Profile profile = customer().attribute("segment", SEGMENTS[random.nextInt(SEGMENTS.length)]);
            if (random.nextInt(4) == 0) {
                profile.attribute("tier", "vip");
            }
            DecisionRequest request = DecisionRequest.of("next-best-offer", "c-" + i).channels(List.of("email")).learning(settings);
            mix.add(new Facts(request, profile.build(), base.plusSeconds(random.nextInt(86_400))));
        }
        return mix;
    }
}
