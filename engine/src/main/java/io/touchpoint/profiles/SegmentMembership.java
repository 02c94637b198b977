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
}
