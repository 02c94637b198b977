package io.touchpoint.console;

import java.util.List;

/** Contributes lines to a customer's timeline in the console; new features add a bean to show their data. */
public interface TimelineSource {

    /** The customer's most recent entries of this source (at most {@code limit}), in any order. */
    List<TimelineEntry> entries(String customerId, int limit);
}
