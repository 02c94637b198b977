package io.touchpoint.segments;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.touchpoint.profiles.ComputedTraits;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileSegments.CountedEvent;

/**
 * In-process: what evaluating 50 segments costs per profile change, as the profile's entry processor runs it (event
 * counters moved on, every segment tested, the next re-check found), on one thread, no Spring, no database. Logs the
 * figures, asserts nothing about speed. Run: {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=SegmentBenchmark}
 */
class SegmentBenchmark {

    private static final Logger log = LoggerFactory.getLogger(SegmentBenchmark.class);
    private static final int SEGMENTS = 50;
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration MEASURE = Duration.ofSeconds(10);
    private static final String[] TYPES = {"order_placed", "page_viewed", "email_opened", "cart_abandoned", "signed_up"};
    private static final String[] COUNTRIES = {"DE", "FR", "US", "JP", "BR"};

    @Test
    void evaluationCostPerSegmentPerChangeWithFiftySegments() {
        SegmentSet segments = fiftySegments();
        assertThat(segments.segments()).hasSize(SEGMENTS);
        assertThat(segments.problems()).isEmpty();
        List<CustomerProfile> profiles = profiles(1_000);
        List<CountedEvent> events = events(1_000);

        run(segments, profiles, events, WARM_UP);
        double nanosPerChange = run(segments, profiles, events, MEASURE);
        log.info("BENCHMARK segments (in-process, 1 thread): {} segments, {} ns per profile change = {} µs per segment per change",
                SEGMENTS, Math.round(nanosPerChange), String.format("%.3f", nanosPerChange / SEGMENTS / 1000));
    }

    /** Evaluates changes round robin for a while; answers nanoseconds per change. */
    private static double run(SegmentSet segments, List<CustomerProfile> profiles, List<CountedEvent> events, Duration length) {
        List<CustomerProfile> current = new ArrayList<>(profiles);
        long changes = 0;
        long joined = 0;
        long started = System.nanoTime();
        long until = started + length.toNanos();
        Instant now = Instant.parse("2026-06-01T10:00:00Z");
        while (System.nanoTime() < until) {
            for (int i = 0; i < 1_000; i++) {
                int p = (int) (changes % current.size());
                CountedEvent sent = events.get((int) (changes % events.size()));
                CountedEvent event = new CountedEvent(sent.type(), now, sent.properties());
                CustomerProfile next = current.get(p).withSegments(segments.evaluate(current.get(p), event, now));
                current.set(p, next);
                joined += next.segments().joined().size();
                changes++;
                now = now.plusMillis(50);
            }
        }
        long took = System.nanoTime() - started;
        assertThat(joined).as("some customers are in some segments").isPositive();
        return (double) took / changes;
    }

    /** Ten of each: attribute, trait, event count with a filter, consent with identity, and combinations with references. */
    private static SegmentSet fiftySegments() {
        SegmentParser parser = new SegmentParser(new ObjectMapper());
        Map<String, String> sources = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            sources.put("country-" + i, "{\"condition\": {\"attribute\": \"country\", \"in\": [\"%s\", \"%s\"]}}"
                    .formatted(COUNTRIES[i % 5], COUNTRIES[(i + 1) % 5]));
            sources.put("value-" + i, "{\"condition\": {\"all\": [{\"trait\": \"lifetimeValue\", \"gte\": %d}, {\"trait\": \"lastSeenAt\", \"newerThan\": \"P30D\"}]}}"
                    .formatted(i * 100));
            sources.put("active-" + i, ("{\"condition\": {\"event\": \"%s\", \"where\": [{\"property\": \"total\", \"gt\": %d}],"
                    + " \"atLeast\": %d, \"within\": \"P%dD\"}}").formatted(TYPES[i % 5], i * 10, 1 + i % 3, 7 * (1 + i)));
            sources.put("reachable-" + i, "{\"condition\": {\"all\": [{\"consent\": \"email\", \"purpose\": \"marketing\"}, {\"identity\": \"email\"},"
                    + " {\"attribute\": \"age\", \"gte\": %d}]}}".formatted(18 + i));
            sources.put("combined-" + i, ("{\"condition\": {\"all\": [{\"segment\": \"country-%d\"}, {\"any\": [{\"segment\": \"value-%d\"},"
                    + " {\"segment\": \"active-%d\"}]}, {\"not\": {\"event\": \"email_opened\", \"atLeast\": 1, \"within\": \"P14D\"}}]}}")
                    .formatted(i, i, i));
        }
        Map<String, Segment> parsed = new LinkedHashMap<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        sources.forEach((id, source) -> {
            files.put(id, source.getBytes(StandardCharsets.UTF_8));
            parsed.put(id, parser.parse(id, files.get(id)));
        });
        return SegmentSet.of(1, parsed, Map.of(), files);
    }

    private static List<CustomerProfile> profiles(int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Instant seen = Instant.parse("2026-05-20T10:00:00Z");
        List<CustomerProfile> profiles = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            profiles.add(new CustomerProfile("c-" + i, "c" + i + "@example.com", null, Map.of(),
                    Map.of("country", COUNTRIES[random.nextInt(5)], "age", 16 + random.nextInt(60)), Map.of(),
                    random.nextInt(10) == 0 ? Map.of("email.marketing", false) : Map.of(), null, null,
                    new ComputedTraits(random.nextInt(5), seen, BigDecimal.valueOf(random.nextInt(1500)), seen, seen),
                    List.of(), 1, Set.of(), seen, seen));
        }
        return profiles;
    }

    private static List<CountedEvent> events(int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<CountedEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new CountedEvent(TYPES[random.nextInt(5)], Instant.parse("2026-06-01T10:00:00Z"),
                    Map.of("total", random.nextInt(200), "currency", "EUR")));
        }
        return events;
    }
}
