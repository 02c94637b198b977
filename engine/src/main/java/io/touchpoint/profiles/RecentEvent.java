package io.touchpoint.profiles;

import java.io.Serializable;
import java.time.Instant;

/** One entry of a profile's bounded recent-event history. */
public record RecentEvent(String eventId, String type, Instant occurredAt) implements Serializable {
}
