package io.touchpoint.console;

import java.time.Instant;

/**
 * One line of a customer's timeline: when, what kind (event, journey, decision, message), a title and details.
 * Any {@link TimelineSource} bean adds its own lines.
 */
public record TimelineEntry(Instant at, String kind, String title, String detail) {
}
