package io.touchpoint.journeys;

import java.util.Map;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Listeners every journey gets when it is deployed: the end of a run gives its place in journey_active back
 * (however it ends: completed, goal, cancelled, deleted), and the end event of a goal (an event sub-process whose
 * message start event is a Goal block) records the conversion in journey_goal. Built-in listeners, so they run
 * even when an operator skips custom listeners.
 */
@Component
public class JourneyRunListeners extends AbstractProcessEnginePlugin {

    private static final Logger log = LoggerFactory.getLogger(JourneyRunListeners.class);
    /** Property of an event sub-process whose start event is a goal: the goal's event type. */
    private static final String GOAL_EVENT_TYPE = "touchpoint.goalEventType";

    private final JourneyRecords records;
    private final JourneyMetrics metrics;

    JourneyRunListeners(JourneyRecords records, JourneyMetrics metrics) {
        this.records = records;
        this.metrics = metrics;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getCustomPostBPMNParseListeners() == null) {
            configuration.setCustomPostBPMNParseListeners(new java.util.ArrayList<>());
        }
        ExecutionListener release = this::releaseRun;
        configuration.getCustomPostBPMNParseListeners().add(new AbstractBpmnParseListener() {
            @Override
            public void parseProcess(Element processElement, ProcessDefinitionEntity processDefinition) {
                processDefinition.addBuiltInListener(ExecutionListener.EVENTNAME_END, release);
            }

            @Override
            public void parseStartEvent(Element startEvent, ScopeImpl scope, ActivityImpl activity) {
                Map<String, String> values = JourneyBlockCompiler.properties(startEvent);
                if (BlockSettings.GOAL.equals(values.get(BlockSettings.BLOCK)) && scope instanceof ActivityImpl subProcess) {
                    subProcess.setProperty(GOAL_EVENT_TYPE, values.get("eventType"));
                }
            }

            @Override
            public void parseEndEvent(Element endEvent, ScopeImpl scope, ActivityImpl activity) {
                Object goalEventType = scope.getProperty(GOAL_EVENT_TYPE);
                if (goalEventType != null) {
                    ExecutionListener goal = execution -> recordGoal(execution, (String) goalEventType);
                    activity.addBuiltInListener(ExecutionListener.EVENTNAME_END, goal);
                }
            }
        });
    }

    private void releaseRun(DelegateExecution execution) {
        Object instanceKey = execution.getVariable(JourneyDispatcher.INSTANCE_KEY);
        String journeyKey = ((ExecutionEntity) execution).getProcessDefinition().getKey();
        records.releaseRun(journeyKey, execution.getProcessBusinessKey(),
                instanceKey == null ? JourneyRecords.NO_KEY : String.valueOf(instanceKey), execution.getProcessInstanceId());
        metrics.counted(journeyKey, JourneyMetrics.ENDED);
    }

    private void recordGoal(DelegateExecution execution, String eventType) {
        String journeyKey = ((ExecutionEntity) execution).getProcessDefinition().getKey();
        Object eventId = execution.getVariable(JourneyDispatcher.LAST_EVENT) instanceof Map<?, ?> event ? event.get("eventId") : null;
        records.recordGoal(execution.getProcessInstanceId(), execution.getProcessBusinessKey(), journeyKey, execution.getCurrentActivityId(),
                eventType, eventId == null ? "" : String.valueOf(eventId));
        metrics.counted(journeyKey, JourneyMetrics.GOAL);
        log.debug("Journey {}: instance {} reached its goal {} ({})", journeyKey, execution.getProcessInstanceId(),
                execution.getCurrentActivityId(), eventType);
    }
}
