package io.touchpoint.segments;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.touchpoint.profiles.ComputedTraits;
import io.touchpoint.profiles.CustomerProfile;

/**
 * One condition of a segment, compiled from its definition ({@link SegmentParser}): whether a customer meets it,
 * and the next moment its answer may change by time alone (a date growing older than "P60D", an event falling out of
 * its window), so that the customer is re-checked then and not polled.
 */
sealed interface Condition {

    /** What a condition reads: the profile, the event counters as moved on by the change, the segments evaluated before, now. */
    record Facts(CustomerProfile profile, Map<String, List<Instant>> counters, Predicate<String> inSegment, Instant now) {
    }

    boolean test(Facts facts);

    /** The next moment after now when the answer may change without any change of the profile; null when never. */
    default Instant flipsAt(Facts facts) {
        return null;
    }

    /** Adds the event counters this condition reads. */
    default void eventCounts(Collection<EventCount> into) {
    }

    /** Adds the segments this condition refers to. */
    default void references(Collection<String> into) {
    }

    /** {@code all} ({@code every} true) or {@code any} of the conditions. */
    record Combination(boolean every, List<Condition> conditions) implements Condition {
        @Override
        public boolean test(Facts facts) {
            for (Condition condition : conditions) {
                if (condition.test(facts) != every) {
                    return !every;
                }
            }
            return every;
        }

        @Override
        public Instant flipsAt(Facts facts) {
            Instant earliest = null;
            for (Condition condition : conditions) {
                earliest = earliest(earliest, condition.flipsAt(facts));
            }
            return earliest;
        }

        @Override
        public void eventCounts(Collection<EventCount> into) {
            conditions.forEach(condition -> condition.eventCounts(into));
        }

        @Override
        public void references(Collection<String> into) {
            conditions.forEach(condition -> condition.references(into));
        }
    }

    record Not(Condition condition) implements Condition {
        @Override
        public boolean test(Facts facts) {
            return !condition.test(facts);
        }

        @Override
        public Instant flipsAt(Facts facts) {
            return condition.flipsAt(facts);
        }

        @Override
        public void eventCounts(Collection<EventCount> into) {
            condition.eventCounts(into);
        }

        @Override
        public void references(Collection<String> into) {
            condition.references(into);
        }
    }

    /** The customer is in another segment (evaluated before this one). */
    record InSegment(String segmentId) implements Condition {
        @Override
        public boolean test(Facts facts) {
            return facts.inSegment().test(segmentId);
        }

        @Override
        public void references(Collection<String> into) {
            into.add(segmentId);
        }
    }

    /** The customer may receive marketing (or another purpose) on a channel ({@link CustomerProfile#consentsTo}). */
    record Consent(String channel, String purpose) implements Condition {
        @Override
        public boolean test(Facts facts) {
            return facts.profile().consentsTo(channel, purpose);
        }
    }

    /** The customer is known by an identity of this kind (email, phone, anonymousId, userId, ...). */
    record HasIdentity(String kind) implements Condition {
        @Override
        public boolean test(Facts facts) {
            return !facts.profile().identities().getOrDefault(kind, Set.of()).isEmpty();
        }
    }

    /** Where a compared value is read from. */
    enum Subject { ATTRIBUTE, TRAIT, PROPERTY }

    /** The traits a condition may name. */
    Set<String> TRAITS = Set.of("orderCount", "lifetimeValue", "lastOrderAt", "firstSeenAt", "lastSeenAt", "eventCount", "createdAt");

    /** The operators of a comparison. */
    enum Operator {
        EQ("eq"), NE("ne"), GT("gt"), GTE("gte"), LT("lt"), LTE("lte"), IN("in"), EXISTS("exists"), CONTAINS("contains"),
        OLDER_THAN("olderThan"), NEWER_THAN("newerThan");

        final String key;

        Operator(String key) {
            this.key = key;
        }
    }

    /**
     * An attribute, trait or (inside an event condition) event property compared with a value; {@code olderThan} /
     * {@code newerThan} compare a date with now minus an ISO-8601 duration ("P60D").
     */
    record Compare(Subject subject, String name, Operator operator, Object expected) implements Condition {
        @Override
        public boolean test(Facts facts) {
            return matches(subject == Subject.ATTRIBUTE ? facts.profile().attributes().get(name) : trait(facts.profile(), name), facts.now());
        }

        /** Whether a value (null: absent) meets the comparison at {@code now}. */
        boolean matches(Object actual, Instant now) {
            if (operator == Operator.EXISTS) {
                return (actual != null) == (Boolean) expected;
            }
            if (actual == null) {
                return operator == Operator.NE;
            }
            return switch (operator) {
                case EQ -> same(actual, expected);
                case NE -> !same(actual, expected);
                case GT -> compare(actual, expected) > 0;
                case GTE -> compare(actual, expected) >= 0;
                case LT -> compare(actual, expected) < 0;
                case LTE -> compare(actual, expected) <= 0;
                case IN -> ((List<?>) expected).stream().anyMatch(candidate -> same(actual, candidate));
                case CONTAINS -> actual instanceof Collection<?> values ? values.stream().anyMatch(value -> same(value, expected))
                        : String.valueOf(actual).contains(String.valueOf(expected));
                case OLDER_THAN -> {
                    Instant at = instant(actual);
                    yield at != null && at.isBefore(minus(now, (String) expected));
                }
                case NEWER_THAN -> {
                    Instant at = instant(actual);
                    yield at != null && !at.isBefore(minus(now, (String) expected));
                }
                case EXISTS -> throw new IllegalStateException();
            };
        }

        @Override
        public Instant flipsAt(Facts facts) {
            if (operator != Operator.OLDER_THAN && operator != Operator.NEWER_THAN) {
                return null;
            }
            Instant at = instant(subject == Subject.ATTRIBUTE ? facts.profile().attributes().get(name) : trait(facts.profile(), name));
            Instant flip = at == null ? null : plus(at, (String) expected);
            return flip != null && flip.isAfter(facts.now()) ? flip : null;
        }
    }

    /**
     * Events of a type (with property filters) counted within a window: at least and/or at most so many. Read from
     * the customer's counter {@link #key()}, which keeps the newest {@link #keep()} matching moments in the window.
     */
    record EventCount(String type, List<Compare> where, String whereText, String within, Integer atLeast, Integer atMost) implements Condition {

        /** The counter this condition reads; conditions with the same event, filters and window share one. */
        String key() {
            return type + "|" + within + "|" + whereText;
        }

        /** How many of the newest moments decide this condition. */
        int keep() {
            return Math.max(atLeast == null ? 0 : atLeast, atMost == null ? 0 : atMost + 1);
        }

        /** Whether an event is one this condition counts. */
        boolean counts(String eventType, Map<String, Object> properties, Instant now) {
            if (!type.equals(eventType)) {
                return false;
            }
            for (Compare filter : where) {
                if (!filter.matches(properties.get(filter.name()), now)) {
                    return false;
                }
            }
            return true;
        }

        /** The moment before which an event no longer counts. */
        Instant cutoff(Instant now) {
            return minus(now, within);
        }

        @Override
        public boolean test(Facts facts) {
            int count = inWindow(facts).size();
            return (atLeast == null || count >= atLeast) && (atMost == null || count <= atMost);
        }

        @Override
        public Instant flipsAt(Facts facts) {
            List<Instant> moments = inWindow(facts);
            Instant flip = null;
            if (atLeast != null && atLeast > 0 && moments.size() >= atLeast) {
                flip = plus(moments.get(atLeast - 1), within); // then fewer than atLeast are left
            }
            if (atMost != null && moments.size() > atMost) {
                flip = earliest(flip, plus(moments.get(atMost), within)); // then no more than atMost are left
            }
            return flip != null && flip.isAfter(facts.now()) ? flip : null;
        }

        private List<Instant> inWindow(Facts facts) {
            List<Instant> moments = facts.counters().getOrDefault(key(), List.of());
            Instant cutoff = cutoff(facts.now());
            int inWindow = 0;
            while (inWindow < moments.size() && !moments.get(inWindow).isBefore(cutoff)) {
                inWindow++;
            }
            return moments.subList(0, inWindow);
        }

        @Override
        public void eventCounts(Collection<EventCount> into) {
            into.add(this);
        }
    }

    static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    static Object trait(CustomerProfile profile, String name) {
        ComputedTraits traits = profile.computedTraits();
        return switch (name) {
            case "orderCount" -> traits.orderCount();
            case "lifetimeValue" -> traits.lifetimeValue();
            case "lastOrderAt" -> traits.lastOrderAt();
            case "firstSeenAt" -> traits.firstSeenAt();
            case "lastSeenAt" -> traits.lastSeenAt();
            case "eventCount" -> profile.eventCount();
            case "createdAt" -> profile.createdAt();
            default -> null;
        };
    }

    static Instant plus(Instant instant, String iso) {
        return Windows.plus(instant, iso);
    }

    static Instant minus(Instant instant, String iso) {
        return Windows.minus(instant, iso);
    }

    private static boolean same(Object actual, Object expected) {
        BigDecimal a = number(actual);
        BigDecimal b = number(expected);
        return a != null && b != null ? a.compareTo(b) == 0 : String.valueOf(actual).equals(String.valueOf(expected));
    }

    private static int compare(Object actual, Object expected) {
        BigDecimal a = number(actual);
        BigDecimal b = number(expected);
        if (a != null && b != null) {
            return a.compareTo(b);
        }
        return String.valueOf(actual instanceof Instant instant ? instant.toString() : actual).compareTo(String.valueOf(expected));
    }

    private static BigDecimal number(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof Integer || value instanceof Long) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Number number) {
            return new BigDecimal(number.toString());
        }
        return null;
    }

    /** A date-time or date (ISO-8601 text, a date at the start of its day in UTC) as an instant; null when it is none. */
    static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (!(value instanceof String text)) {
            return null;
        }
        try {
            return text.length() <= 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }
}
