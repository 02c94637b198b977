package io.touchpoint.journeys;

import org.camunda.bpm.engine.RuntimeService;

/** Ends a journey instance at its goal end event wherever the customer is, mid-wait included. */
final class GoalReached {

    private GoalReached() {
    }

    /** Starts the goal end event, then cancels everything that was active, in one modification. */
    static void endAt(RuntimeService runtime, String processInstanceId, String goalActivityId) {
        RunMoves.moveTo(runtime, processInstanceId, goalActivityId, null, false);
    }
}
