package io.touchpoint.segments;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileStore;

/**
 * How many customers a condition takes in, and some of them, before a marketer saves it: every stored profile is
 * read from the database a page at a time (not through the cache) and the condition tested in memory. Another
 * segment is read as the profiles hold it; an event count reads the counters the saved segments keep, so an event
 * condition no saved segment has counts nothing yet (README "Segments and scheduled journeys").
 */
@Component
class SegmentPreview {

    private static final int PAGE = 2000;

    private final ProfileStore store;
    private final SegmentParser parser;
    private final Clock clock;

    SegmentPreview(ProfileStore store, ObjectMapper json, Clock clock) {
        this.store = store;
        this.parser = new SegmentParser(json);
        this.clock = clock;
    }

    /** The answer: how many match of how many read, some of their ids, and how long it took. */
    record Audience(long count, long scanned, List<String> sample, long tookMillis) {
    }

    Audience audience(JsonNode definition, int sampleSize) {
        Condition condition = parser.condition(definition);
        long started = System.nanoTime();
        Instant now = clock.instant();
        long count = 0;
        long scanned = 0;
        List<String> sample = new ArrayList<>();
        String after = null;
        for (List<CustomerProfile> page = store.page(null, PAGE); !page.isEmpty(); page = store.page(after, PAGE)) {
            for (CustomerProfile profile : page) {
                if (SegmentSet.meets(condition, profile, now)) {
                    count++;
                    if (sample.size() < sampleSize) {
                        sample.add(profile.customerId());
                    }
                }
            }
            scanned += page.size();
            after = page.get(page.size() - 1).customerId();
        }
        return new Audience(count, scanned, sample, (System.nanoTime() - started) / 1_000_000);
    }
}
