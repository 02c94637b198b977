package io.touchpoint.segments;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.ProfileStore;

/**
 * How many customers a condition takes in, and some of them, before a marketer saves it: the stored profiles are
 * streamed from the database (not through the cache) in {@code touchpoint.segments.preview-threads} ranges at once,
 * each read without what no condition reads ({@link ProfileStore#scanForSegments}), and the condition tested in memory
 * by the same compiled condition live membership uses ({@link SegmentSet#meets}). Another segment is read as the profiles hold it; an event
 * count reads the counters the saved segments keep, so an event condition no saved segment has counts nothing yet
 * (README "Segments and scheduled journeys"). The threads are shared by all previews: two at once take turns.
 */
@Component
class SegmentPreview {

    private final ProfileStore store;
    private final SegmentParser parser;
    private final Clock clock;
    private final int threads;
    private final ExecutorService readers;

    SegmentPreview(ProfileStore store, ObjectMapper json, Clock clock, @Value("${touchpoint.segments.preview-threads:2}") int threads) {
        this.store = store;
        this.parser = new SegmentParser(json);
        this.clock = clock;
        this.threads = Math.max(1, threads);
        this.readers = Executors.newFixedThreadPool(this.threads, runnable -> {
            Thread thread = new Thread(runnable, "segment-preview");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The answer: how many match of how many read, some of their ids, and how long it took. */
    record Audience(long count, long scanned, List<String> sample, long tookMillis) {
    }

    Audience audience(JsonNode definition, int sampleSize) {
        Condition condition = parser.condition(definition);
        long started = System.nanoTime();
        Instant now = clock.instant();
        List<String> bounds = new ArrayList<>();
        bounds.add(null);
        bounds.addAll(store.splitPoints(threads));
        bounds.add(null);
        List<Future<Range>> ranges = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.size(); i++) {
            String after = bounds.get(i);
            String upTo = bounds.get(i + 1);
            ranges.add(readers.submit(() -> range(condition, after, upTo, sampleSize, now)));
        }
        long count = 0;
        long scanned = 0;
        List<String> sample = new ArrayList<>();
        for (Future<Range> future : ranges) {
            Range range = result(future);
            count += range.count;
            scanned += range.scanned;
            range.sample.stream().limit(sampleSize - sample.size()).forEach(sample::add);
        }
        return new Audience(count, scanned, sample, (System.nanoTime() - started) / 1_000_000);
    }

    /** What one range of customer ids gave. */
    private static final class Range {
        long count;
        long scanned;
        final List<String> sample = new ArrayList<>();
    }

    private Range range(Condition condition, String after, String upTo, int sampleSize, Instant now) {
        Range range = new Range();
        store.scanForSegments(after, upTo, Long.MAX_VALUE, profile -> {
            range.scanned++;
            if (SegmentSet.meets(condition, profile, now)) {
                range.count++;
                if (range.sample.size() < sampleSize) {
                    range.sample.add(profile.customerId());
                }
            }
        });
        return range;
    }

    private static Range result(Future<Range> range) {
        try {
            return range.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the preview was interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        }
    }

    @PreDestroy
    void stop() {
        readers.shutdownNow();
    }
}
