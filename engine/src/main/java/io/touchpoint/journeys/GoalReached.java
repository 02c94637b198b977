package io.touchpoint.journeys;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ActivityInstance;
import org.camunda.bpm.engine.runtime.ProcessInstanceModificationBuilder;
import org.camunda.bpm.engine.runtime.TransitionInstance;

/** Ends a journey instance at its goal end event wherever the customer is, mid-wait included. */
final class GoalReached {

    private GoalReached() {
    }

    /** Starts the goal end event, then cancels everything that was active, in one modification. */
    static void endAt(RuntimeService runtime, String processInstanceId, String goalActivityId) {
        ActivityInstance tree = runtime.getActivityInstance(processInstanceId);
        if (tree == null) {
            return;
        }
        ProcessInstanceModificationBuilder modification = runtime.createProcessInstanceModification(processInstanceId)
                .startBeforeActivity(goalActivityId);
        for (ActivityInstance child : tree.getChildActivityInstances()) {
            modification.cancelActivityInstance(child.getId());
        }
        for (TransitionInstance transition : tree.getChildTransitionInstances()) {
            modification.cancelTransitionInstance(transition.getId());
        }
        modification.execute(true, true);
    }
}
