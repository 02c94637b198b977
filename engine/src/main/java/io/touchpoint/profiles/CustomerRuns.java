package io.touchpoint.profiles;

import java.util.Collection;

/**
 * The customers' running journeys, as a profile change affects them, in the profile change's transaction: a merge
 * moves them to the survivor, a date attribute re-plans their waits, an erase removes them. The journeys feature
 * implements it; profiles know only this.
 */
public interface CustomerRuns {

    /** What an erase removed of the customers' journeys. */
    record Erased(int terminated, int historyRemoved) {
    }

    /** Running journeys of one customer continue under another; how many moved. */
    int move(String fromCustomerId, String toCustomerId);

    /** The profile changed these attributes outside an event: the waits on them are re-planned. */
    void attributesChanged(CustomerProfile profile, Collection<String> attributes);

    /** Terminates the customers' running journeys and deletes their journeys from the history. */
    Erased erase(Collection<String> customerIds);
}
