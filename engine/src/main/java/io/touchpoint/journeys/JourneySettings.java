package io.touchpoint.journeys;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The journey settings template on a process: who may enter again (never, after exit, always, after a
 * cool-down since the last entry), whether a customer may be in it more than once at a time, category,
 * priority and the instance key (an event property such as {@code bookingRef}: the rules then hold per customer
 * and key, and a journey has at most one run per key). Defaults: re-entry after exit, one active instance,
 * category marketing, priority 0, no key.
 */
public record JourneySettings(Reentry reentry, String coolDown, boolean singleActive, String category, int priority, String instanceKey) {

    /** When a customer may enter a journey again. */
    public enum Reentry { NEVER, AFTER_EXIT, ALWAYS, COOL_DOWN }

    static JourneySettings of(Map<String, String> values) {
        String reentry = values.getOrDefault("reentry", "afterExit");
        String singleActive = BlockSettings.optional(values, "singleActive");
        String priority = BlockSettings.optional(values, "priority");
        return new JourneySettings(
                switch (reentry) {
                    case "never" -> Reentry.NEVER;
                    case "always" -> Reentry.ALWAYS;
                    case "coolDown" -> Reentry.COOL_DOWN;
                    default -> Reentry.AFTER_EXIT;
                },
                BlockSettings.optional(values, "coolDown"),
                singleActive == null || Boolean.parseBoolean(singleActive),
                values.getOrDefault("category", "marketing"),
                priority == null ? 0 : Integer.parseInt(priority),
                BlockSettings.optional(values, "instanceKey"));
    }

    /** Whether runs are told apart by an event property. */
    boolean keyed() {
        return instanceKey != null;
    }

    /** The instance key an event carries (null without one, or when the journey is not keyed). */
    String instanceKeyOf(Map<String, Object> eventProperties) {
        Object value = keyed() && eventProperties != null ? eventProperties.get(instanceKey) : null;
        return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value);
    }

    /** Whether a customer (and key) holds at most one run at a time: a keyed journey always does. */
    boolean oneAtATime() {
        return keyed() || singleActive || reentry != Reentry.ALWAYS;
    }

    /** Whether a customer whose last entry was at {@code lastEntry} (null: never) may enter now. */
    boolean allowsEntry(Instant lastEntry, boolean active, Instant now) {
        if (active && (singleActive || reentry != Reentry.ALWAYS)) {
            return false;
        }
        return switch (reentry) {
            case NEVER -> lastEntry == null;
            case AFTER_EXIT, ALWAYS -> true;
            case COOL_DOWN -> lastEntry == null || !now.isBefore(plus(lastEntry, coolDown));
        };
    }

    private static Instant plus(Instant instant, String iso) {
        return iso.contains("T") ? instant.plus(Duration.parse(iso))
                : instant.atZone(ZoneOffset.UTC).plus(Period.parse(iso)).toInstant();
    }
}
