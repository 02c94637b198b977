package io.touchpoint.profiles;

import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import io.touchpoint.EngineIT;
import io.touchpoint.events.ApiKeyAuthenticationFilter;
import io.touchpoint.events.ApiKeys;

/**
 * How fast profiles update with 100,000 customers on an H2 file database, through the service and through
 * {@code POST /api/events} (events that start no journey), and the heap they take. Logs figures, asserts nothing
 * about speed. Run: {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=ProfileBenchmark}
 */
@TestPropertySource(properties = {"spring.datasource.url=jdbc:h2:file:./target/profile-benchmark-${random.uuid}/touchpoint;${touchpoint.h2-settings}",
        "camunda.bpm.process-engine-name=profileBenchmark"})
class ProfileBenchmark extends EngineIT {

    private static final Logger log = LoggerFactory.getLogger(ProfileBenchmark.class);

    private static final int CUSTOMERS = 100_000;
    private static final int SERVICE_UPDATES = 100_000;
    private static final int HTTP_EVENTS = 5_000;
    private static final int THREADS = 8;
    private static final int HTTP_CLIENTS = 4;

    @Autowired
    ProfileService profiles;
    @Autowired
    HazelcastInstance hazelcast;
    @Autowired
    ApiKeys apiKeys;

    @Test
    void profileUpdatesPerSecondWithOneHundredThousandProfiles() throws Exception {
        long heapBefore = usedHeap();

        double created = run("create 100,000 profiles (service)", CUSTOMERS, THREADS, i -> profiles.apply(id(i),
                ProfileUpdate.of(Map.of("email", "bench" + i + "@example.com"), Map.of("traits", Map.of("firstName", "B" + i)), Instant.now())
                        .forEvent("create-" + i, "signed_up", Instant.now())));
        long heapAfter = usedHeap();
        long mapHeapCost = hazelcast.getMap(ProfileService.MAP_NAME).getLocalMapStats().getHeapCost();
        log.info("BENCHMARK profiles: heap used {} MB before, {} MB after 100,000 profiles (+{} MB); Hazelcast map heap cost {} MB; {} cores, max heap {} MB",
                mb(heapBefore), mb(heapAfter), mb(heapAfter - heapBefore), mb(mapHeapCost),
                Runtime.getRuntime().availableProcessors(), mb(Runtime.getRuntime().maxMemory()));

        // each measured run follows an unmeasured one of the same kind: the JIT compiles for minutes on 2 cores
        IntConsumer update = i -> profiles.apply(randomId(),
                ProfileUpdate.of(Map.of(), Map.of(), Instant.now()).forEvent("upd-" + i, "page_viewed", Instant.now()));
        run("warm-up: update random profiles (service)", SERVICE_UPDATES, THREADS, update);
        double service = run("update random profiles (service)", SERVICE_UPDATES, THREADS, update);

        String apiKey = apiKeys.issue("profile-benchmark").key();
        IntConsumer post = i -> {
            HttpResponse<String> response = send(request("/api/events").header(ApiKeyAuthenticationFilter.HEADER, apiKey)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"page_viewed\", \"customerId\": \"" + randomId() + "\"}")).build());
            if (response.statusCode() != 202) {
                throw new IllegalStateException(response.body());
            }
        };
        run("warm-up: POST /api/events", HTTP_EVENTS, HTTP_CLIENTS, post);
        double http = run("POST /api/events page_viewed (no journey)", HTTP_EVENTS, HTTP_CLIENTS, post);

        log.info("BENCHMARK profiles: {} profiles cached; create {}/s, service updates {}/s ({} threads), POST /api/events {}/s ({} clients)",
                hazelcast.getMap(ProfileService.MAP_NAME).getLocalMapStats().getOwnedEntryCount(),
                Math.round(created), Math.round(service), THREADS, Math.round(http), HTTP_CLIENTS);

        // the profiles' own share of the heap: what a GC frees once they are dropped from the cache (the database keeps them)
        long cached = usedHeap();
        hazelcast.getMap(ProfileService.MAP_NAME).evictAll();
        long evicted = usedHeap();
        log.info("BENCHMARK profiles: dropping the 100,000 cached profiles frees {} MB of heap (about {} bytes each)",
                mb(cached - evicted), (cached - evicted) / CUSTOMERS);
    }

    private static double run(String what, int count, int threads, IntConsumer action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            done.add(pool.submit(() -> {
                for (int i = first; i < count; i += threads) {
                    action.accept(i);
                }
            }));
        }
        for (Future<?> each : done) {
            each.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = count / seconds;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        log.info("BENCHMARK profiles: {}: {} in {} s = {}/s; the process used {} s of CPU = {} per CPU-second",
                what, count, String.format("%.1f", seconds), Math.round(rate), String.format("%.1f", cpuSeconds), Math.round(count / cpuSeconds));
        return rate;
    }

    /** CPU time of the whole process: on a shared machine, updates per CPU-second say more than updates per second. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String id(int i) {
        return "c-bench-" + i;
    }

    private static String randomId() {
        return id(ThreadLocalRandom.current().nextInt(CUSTOMERS));
    }

    private static long usedHeap() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
