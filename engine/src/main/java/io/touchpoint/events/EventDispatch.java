package io.touchpoint.events;

/**
 * What an accepted event does beyond the profile, in the intake's transaction: the journeys it starts, continues or
 * ends. The journeys feature implements it; the intake knows only this.
 */
public interface EventDispatch {

    /** Starts, continues and ends the journeys the event reaches (after it has been applied to the profile). */
    void dispatch(CustomerEvent event);

    /** Runs work that dispatches events of distinct customers as one unit, flushed once at its end. */
    void together(Runnable work);
}
