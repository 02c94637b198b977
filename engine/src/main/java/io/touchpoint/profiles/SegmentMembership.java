package io.touchpoint.profiles;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A customer's place in the segments, kept with the profile: the segments the customer is in (id → when they
 * joined), the event counters the segments' event conditions read (counter key → the newest matching moments,
 * newest first, bounded) and when the membership may next change by time alone (null: not by time).
 */
public record SegmentMembership(Map<String, Instant> joined, Map<String, List<Instant>> counters, Instant recheckAt)
        implements Serializable {

    public static final SegmentMembership NONE = new SegmentMembership(Map.of(), Map.of(), null);

    public SegmentMembership {
        joined = Collections.unmodifiableMap(new LinkedHashMap<>(joined == null ? Map.of() : joined));
        Map<String, List<Instant>> copied = new LinkedHashMap<>();
        if (counters != null) {
            counters.forEach((key, moments) -> copied.put(key, List.copyOf(moments)));
        }
        counters = Collections.unmodifiableMap(copied);
    }

    public boolean isIn(String segmentId) {
        return joined.containsKey(segmentId);
    }

    /**
     * Each recounted counter (counter key → moments counted again from the event history) united with what this
     * membership counted meanwhile: a moment as often as the more of the two holds it (an event counted live is in the
     * history too; one applied after the history was read is not). The same membership when nothing was recounted.
     */
    public SegmentMembership withRecounted(Map<String, List<Instant>> recounted) {
        if (recounted == null || recounted.isEmpty()) {
            return this;
        }
        Map<String, List<Instant>> united = new LinkedHashMap<>(counters);
        recounted.forEach((key, moments) -> {
            Map<Instant, Integer> times = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
            moments.forEach(moment -> times.merge(moment, 1, Integer::sum));
            Map<Instant, Integer> live = new java.util.HashMap<>();
            united.getOrDefault(key, List.of()).forEach(moment -> live.merge(moment, 1, Integer::sum));
            live.forEach((moment, count) -> times.merge(moment, count, Math::max));
            List<Instant> union = new java.util.ArrayList<>();
            times.forEach((moment, count) -> union.addAll(Collections.nCopies(count, moment)));
            united.put(key, union);
        });
        return new SegmentMembership(joined, united, recheckAt);
    }
}
