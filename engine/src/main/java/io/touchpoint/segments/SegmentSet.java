package io.touchpoint.segments;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileSegments;
import io.touchpoint.profiles.SegmentMembership;

/**
 * The segments of one version, compiled and ordered so that a segment comes after those it refers to; evaluates a
 * profile against all of them in memory ({@link ProfileSegments}): the event counters moved on by the change, each
 * segment's condition tested once, the earliest moment time alone may change an answer. Immutable.
 */
final class SegmentSet implements ProfileSegments {

    /** A counter as the segments read it: the widest window and the most moments any of its conditions needs. */
    private record Counter(Condition.EventCount condition, String within, int keep) {
    }

    private final long version;
    /** In evaluation order: referred-to segments first. */
    private final List<Segment> ordered;
    private final Map<String, Integer> positions;
    private final Map<String, Counter> counters;
    /** Files that could not be used → why (a broken file, an unknown reference, a cycle). */
    private final Map<String, SegmentException> problems;
    /** Every definition of this version as written (segment id → JSON), the unusable ones too. */
    private final Map<String, byte[]> sources;

    private SegmentSet(long version, List<Segment> ordered, Map<String, SegmentException> problems, Map<String, byte[]> sources) {
        this.version = version;
        this.sources = Map.copyOf(sources);
        this.ordered = List.copyOf(ordered);
        this.problems = Map.copyOf(problems);
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            positions.put(ordered.get(i).id(), i);
        }
        this.positions = positions;
        Map<String, Counter> counters = new LinkedHashMap<>();
        for (Segment segment : ordered) {
            List<Condition.EventCount> counts = new ArrayList<>();
            segment.condition().eventCounts(counts);
            counts.forEach(count -> counters.merge(count.key(), new Counter(count, count.within(), count.keep()),
                    (a, b) -> new Counter(a.condition(), a.within(), Math.max(a.keep(), b.keep()))));
        }
        this.counters = counters;
    }

    static final SegmentSet EMPTY = new SegmentSet(-1, List.of(), Map.of(), Map.of());

    /**
     * Compiles parsed segments: a segment that refers to a segment not among them (or not usable), or that takes
     * part in a cycle of references, is left out with the reason in {@link #problems()}, as are the refused files.
     */
    static SegmentSet of(long version, Map<String, Segment> parsed, Map<String, SegmentException> refused, Map<String, byte[]> sources) {
        Map<String, SegmentException> problems = new LinkedHashMap<>(refused);
        List<Segment> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (String id : new java.util.TreeSet<>(parsed.keySet())) {
            order(id, parsed, new ArrayList<>(), done, ordered, problems);
        }
        return new SegmentSet(version, ordered, problems, sources);
    }

    /** Depth first: the segments {@code id} refers to go before it. Answers whether {@code id} is usable. */
    private static boolean order(String id, Map<String, Segment> parsed, List<String> path, Set<String> done, List<Segment> ordered,
                                 Map<String, SegmentException> problems) {
        if (done.contains(id)) {
            return !problems.containsKey(id);
        }
        Segment segment = parsed.get(id);
        if (segment == null) {
            return false;
        }
        path.add(id);
        boolean usable = true;
        for (String reference : segment.references()) {
            if (path.contains(reference)) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(reference), path.size()));
                cycle.add(reference);
                problems.put(id, new SegmentException(id, "condition " + where(reference), "refers back to itself: "
                        + String.join(" → ", cycle)));
                usable = false;
            } else if (!parsed.containsKey(reference)) {
                problems.put(id, new SegmentException(id, "condition " + where(reference), problems.containsKey(reference)
                        ? "refers to segment '" + reference + "', which cannot be used: " + problems.get(reference).getMessage()
                        : "refers to segment '" + reference + "', which does not exist"));
                usable = false;
            } else if (!order(reference, parsed, path, done, ordered, problems)) {
                problems.putIfAbsent(id, new SegmentException(id, "condition " + where(reference),
                        "refers to segment '" + reference + "', which cannot be used: " + problems.get(reference).getMessage()));
                usable = false;
            }
        }
        path.remove(path.size() - 1);
        done.add(id);
        if (usable && !problems.containsKey(id)) {
            ordered.add(segment);
            return true;
        }
        return false;
    }

    private static String where(String reference) {
        return "{\"segment\": \"" + reference + "\"}";
    }

    long version() {
        return version;
    }

    List<Segment> segments() {
        return ordered.stream().sorted(Comparator.comparing(Segment::id)).toList();
    }

    Map<String, SegmentException> problems() {
        return problems;
    }

    /** A segment's definition as written (JSON), usable or not; null when there is none. */
    byte[] source(String segmentId) {
        return sources.get(segmentId);
    }

    Map<String, byte[]> sources() {
        return sources;
    }

    /** The event conditions whose counters the profiles keep, by counter key. */
    Map<String, Condition.EventCount> eventCounts() {
        Map<String, Condition.EventCount> conditions = new LinkedHashMap<>();
        counters.forEach((key, counter) -> conditions.put(key, counter.condition()));
        return conditions;
    }

    @Override
    public SegmentMembership evaluate(CustomerProfile profile, CountedEvent event, Instant now) {
        if (ordered.isEmpty() && profile.segments().joined().isEmpty() && profile.segments().counters().isEmpty()) {
            return profile.segments();
        }
        Map<String, List<Instant>> counted = counted(profile.segments().counters(), event, now);
        boolean[] in = new boolean[ordered.size()];
        Condition.Facts facts = new Condition.Facts(profile, counted, id -> in[positions.get(id)], now);
        Map<String, Instant> joined = new LinkedHashMap<>();
        Instant recheckAt = null;
        for (int i = 0; i < ordered.size(); i++) {
            Segment segment = ordered.get(i);
            in[i] = segment.condition().test(facts);
            if (in[i]) {
                joined.put(segment.id(), profile.segments().joined().getOrDefault(segment.id(), now));
            }
            recheckAt = Condition.earliest(recheckAt, segment.condition().flipsAt(facts));
        }
        return new SegmentMembership(joined, counted, recheckAt);
    }

    /**
     * The counters after an event: each one the event matches gets its moment; moments out of the window are
     * dropped, and no more than the conditions need are kept (newest first). Counters no segment reads are dropped.
     */
    private Map<String, List<Instant>> counted(Map<String, List<Instant>> before, CountedEvent event, Instant now) {
        Map<String, List<Instant>> after = new LinkedHashMap<>();
        counters.forEach((key, counter) -> {
            List<Instant> moments = before.getOrDefault(key, List.of());
            Instant cutoff = counter.condition().cutoff(now);
            boolean counts = event != null && !event.occurredAt().isBefore(cutoff)
                    && counter.condition().counts(event.type(), event.properties(), now);
            if (moments.isEmpty() && !counts) {
                return;
            }
            List<Instant> kept = new ArrayList<>(moments.size() + 1);
            if (counts) {
                kept.add(event.occurredAt());
            }
            for (Instant moment : moments) {
                if (!moment.isBefore(cutoff)) {
                    kept.add(moment);
                }
            }
            if (counts) {
                kept.sort(Comparator.reverseOrder());
            }
            if (!kept.isEmpty()) {
                after.put(key, kept.size() > counter.keep() ? List.copyOf(kept.subList(0, counter.keep())) : kept);
            }
        });
        return after;
    }

    /** Whether a profile meets a condition now, reading the segments as the profile holds them (a preview). */
    static boolean meets(Condition condition, CustomerProfile profile, Instant now) {
        return condition.test(new Condition.Facts(profile, profile.segments().counters(), profile.segments()::isIn, now));
    }
}
