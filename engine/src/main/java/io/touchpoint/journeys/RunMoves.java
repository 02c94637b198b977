package io.touchpoint.journeys;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ActivityInstance;
import org.camunda.bpm.engine.runtime.ProcessInstanceModificationBuilder;
import org.camunda.bpm.engine.runtime.TransitionInstance;

/** Moves a journey run to one step wherever it is, mid-wait included: a goal reached, or an operator's move. */
public final class RunMoves {

    private RunMoves() {
    }

    /**
     * Starts the run before {@code activityId}, then cancels everything that was active, in one modification (in
     * this order, so the run does not end in between); {@code annotation} (may be null) is kept with the modification.
     * {@code asDrawn}: the steps' listeners and input/output mappings run as on any visit (an operator's move);
     * false skips them (a goal's end event needs none). Nothing happens when the run has ended.
     */
    public static void moveTo(RuntimeService runtime, String processInstanceId, String activityId, String annotation, boolean asDrawn) {
        ActivityInstance tree = runtime.getActivityInstance(processInstanceId);
        if (tree == null) {
            return;
        }
        ProcessInstanceModificationBuilder modification = runtime.createProcessInstanceModification(processInstanceId)
                .startBeforeActivity(activityId);
        for (ActivityInstance child : tree.getChildActivityInstances()) {
            modification.cancelActivityInstance(child.getId());
        }
        for (TransitionInstance transition : tree.getChildTransitionInstances()) {
            modification.cancelTransitionInstance(transition.getId());
        }
        if (annotation != null) {
            modification.setAnnotation(annotation);
        }
        modification.execute(!asDrawn, !asDrawn);
    }
}
