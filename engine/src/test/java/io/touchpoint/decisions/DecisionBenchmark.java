package io.touchpoint.decisions;

import static io.touchpoint.decisions.RuleFixtures.cart;
import static io.touchpoint.decisions.RuleFixtures.customer;
import static io.touchpoint.decisions.RuleFixtures.sent;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.touchpoint.profiles.CustomerProfile;

/**
 * Decisions per second of the real rule base (rules/, 20+ rules across five files) over a varied mix of facts:
 * time zones, consents, preferred channels, carts, contact histories, moments inside and outside quiet hours.
 * Measures the rules alone (the service adds one indexed delivery_log read and one decision_log insert).
 * Run: ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=DecisionBenchmark
 */
class DecisionBenchmark {

    private static final Logger log = LoggerFactory.getLogger(DecisionBenchmark.class);
    private static final Duration WARM_UP = Duration.ofSeconds(10);
    private static final Duration MEASURE = Duration.ofSeconds(15);
    private static final String[] ZONES = {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney"};
    private static final String[] CHANNELS = {"email", "sms", "push", null};

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** One decision's facts. */
    private record Facts(DecisionRequest request, CustomerProfile profile, List<ContactHistory.Contact> sent, Instant now) {
    }

    @Test
    void decisionsPerSecondOnOneAndOnTwoThreads() throws Exception {
        List<Facts> mix = mix(2_000);
        DecisionRules rules = new DecisionRules(RuleFixtures.RULES);
        int ruleCount = RuleFixtures.RULES.status().rules();
        assertThat(ruleCount).isGreaterThanOrEqualTo(20);

        run(rules, mix, 2, WARM_UP);
        double oneThread = run(rules, mix, 1, MEASURE);
        double twoThreads = run(rules, mix, 2, MEASURE);

        Runtime jvm = Runtime.getRuntime();
        log.info("DecisionBenchmark: {} rules, {} cores: {} decisions/s on 1 thread ({} µs each), {} decisions/s on 2 threads; heap used {} MB",
                ruleCount, jvm.availableProcessors(), Math.round(oneThread), String.format("%.1f", 1_000_000 / oneThread),
                Math.round(twoThreads), (jvm.totalMemory() - jvm.freeMemory()) / (1024 * 1024));
    }

    private static double run(DecisionRules rules, List<Facts> mix, int threads, Duration length) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<long[]>> counts = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int offset = t * 997;
            counts.add(pool.submit(() -> {
                long cpuStart = CPU.getCurrentThreadCpuTime();
                long done = 0;
                long eligible = 0;
                while (running.get()) {
                    Facts f = mix.get((int) ((done + offset) % mix.size()));
                    Decision decision = rules.decide(f.request(), f.profile(), f.sent(), f.now());
                    eligible += decision.isEligible() ? 1 : 0;
                    done++;
                }
                return new long[] {done, eligible, CPU.getCurrentThreadCpuTime() - cpuStart};
            }));
        }
        Thread.sleep(length.toMillis()); // the measured interval itself, not a wait for a condition
        running.set(false);
        long total = 0;
        long eligible = 0;
        long cpuNanos = 0;
        for (Future<long[]> count : counts) {
            total += count.get()[0];
            eligible += count.get()[1];
            cpuNanos += count.get()[2];
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        // on a shared machine the wall-clock rate depends on the load; the CPU time per decision does not
        log.info("DecisionBenchmark: {} threads, {} decisions in {} s, {}% eligible; {} µs CPU per decision = {} decisions/s per idle core",
                threads, total, String.format("%.1f", seconds), total == 0 ? 0 : eligible * 100 / total,
                String.format("%.1f", cpuNanos / 1e3 / Math.max(1, total)), Math.round(total / Math.max(1e-9, cpuNanos / 1e9)));
        return total / seconds;
    }

    private static List<Facts> mix(int size) {
        Random random = new Random(42);
        Instant base = Instant.parse("2026-11-22T00:00:00Z");
        List<Facts> mix = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            RuleFixtures.Profile profile = customer().zone(ZONES[random.nextInt(ZONES.length)]);
            String preferred = CHANNELS[random.nextInt(CHANNELS.length)];
            if (preferred != null) {
                profile.attribute("preferredChannel", preferred);
            }
            if (random.nextInt(10) == 0) {
                profile.consent("email", false);
            }
            if (random.nextInt(5) == 0) {
                profile.attribute("pushToken", "tok-" + i);
            }
            if (random.nextInt(20) == 0) {
                profile.attribute("age", 14);
            }
            if (random.nextInt(4) == 0) {
                profile.attribute("tier", "vip");
            }
            Instant now = base.plusSeconds(random.nextInt(86_400));
            List<ContactHistory.Contact> sent = new ArrayList<>();
            for (int c = random.nextInt(5); c > 0; c--) {
                sent.add(sent(random.nextBoolean() ? "email" : "sms", random.nextInt(4) == 0 ? "transactional" : "marketing",
                        now.minusSeconds(random.nextInt(10 * 86_400)).toString()));
            }
            DecisionRequest request = random.nextInt(6) == 0
                    ? DecisionRequest.of("receipt", "c-" + i).category("transactional").event(Map.of("type", "order_placed"))
                    : DecisionRequest.of("abandoned-cart-offer", "c-" + i).event(cart(random.nextInt(400)))
                            .whenCapped(random.nextBoolean() ? WhenCapped.DEFER : WhenCapped.SKIP);
            mix.add(new Facts(request, profile.build(), sent, now));
        }
        return mix;
    }
}
