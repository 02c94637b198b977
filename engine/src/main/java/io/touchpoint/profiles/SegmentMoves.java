package io.touchpoint.profiles;

import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The segments a customer entered and left by one change of the profile (segment id → when). A change outside the
 * event intake (an operator's edit, a journey's profile update, a re-check when time moved) is published as a Spring
 * event; the intake turns them into {@code segment_entered} / {@code segment_exited} events.
 */
public record SegmentMoves(String customerId, Map<String, Instant> entered, Map<String, Instant> exited) implements Serializable {

    public static final String ENTERED = "segment_entered";
    public static final String EXITED = "segment_exited";
    /** The event property that names the segment. */
    public static final String SEGMENT_ID = "segmentId";

    public SegmentMoves {
        entered = Map.copyOf(entered);
        exited = Map.copyOf(exited);
    }

    public static SegmentMoves none(String customerId) {
        return new SegmentMoves(customerId, Map.of(), Map.of());
    }

    /** What moved between two versions of a profile ({@code before} null: a new customer) at {@code at}. */
    static SegmentMoves between(CustomerProfile before, CustomerProfile after, Instant at) {
        Map<String, Instant> was = before == null ? Map.of() : before.segments().joined();
        Map<String, Instant> is = after == null ? Map.of() : after.segments().joined();
        Map<String, Instant> entered = new LinkedHashMap<>();
        is.forEach((segment, joinedAt) -> {
            if (!was.containsKey(segment)) {
                entered.put(segment, joinedAt);
            }
        });
        Map<String, Instant> exited = new LinkedHashMap<>();
        was.keySet().stream().filter(segment -> !is.containsKey(segment)).forEach(segment -> exited.put(segment, at));
        return new SegmentMoves(after != null ? after.customerId() : before.customerId(), entered, exited);
    }

    public boolean isEmpty() {
        return entered.isEmpty() && exited.isEmpty();
    }
}
