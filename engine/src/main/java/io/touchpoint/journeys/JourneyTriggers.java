package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ReceiveTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.springframework.stereotype.Component;

/**
 * Knows from memory which event types start a journey and which ones a journey can wait for, so that an event
 * no journey cares about never touches the engine's database. Rebuilt lazily after any BPMN is deployed.
 */
@Component
public class JourneyTriggers extends AbstractProcessEnginePlugin {

    /** A process definition an event type starts. */
    public record StartTarget(String definitionId, String definitionKey) {
    }

    private record Index(Map<String, List<StartTarget>> starts, Set<String> waits) {
    }

    private volatile RepositoryService repository;
    private volatile Index index;

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getCustomPostBPMNParseListeners() == null) {
            configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
        }
        configuration.getCustomPostBPMNParseListeners().add(new AbstractBpmnParseListener() {
            @Override
            public void parseProcess(Element processElement, ProcessDefinitionEntity processDefinition) {
                index = null;
            }
        });
    }

    @Override
    public void postProcessEngineBuild(ProcessEngine engine) {
        repository = engine.getRepositoryService();
    }

    /** The latest definitions whose message start event is named after this event type. */
    public List<StartTarget> startedBy(String eventType) {
        return current().starts().getOrDefault(eventType, List.of());
    }

    /** Whether any deployed definition, of any version, has a catch event or receive task for this event type. */
    public boolean awaited(String eventType) {
        return current().waits().contains(eventType);
    }

    private Index current() {
        Index current = index;
        if (current == null) {
            current = build();
            index = current;
        }
        return current;
    }

    private Index build() {
        Map<String, List<StartTarget>> starts = new HashMap<>();
        Set<String> waits = new HashSet<>();
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().list()) {
            BpmnModelInstance model = repository.getBpmnModelInstance(definition.getId());
            boolean latestAndActive = !definition.isSuspended() && definition.getVersion() == latestVersion(definition.getKey());
            for (MessageEventDefinition message : model.getModelElementsByType(MessageEventDefinition.class)) {
                if (message.getMessage() == null) {
                    continue;
                }
                String name = message.getMessage().getName();
                boolean processStart = message.getParentElement() instanceof StartEvent start && start.getParentElement() instanceof Process;
                if (!processStart) {
                    waits.add(name);
                } else if (latestAndActive) {
                    starts.computeIfAbsent(name, n -> new ArrayList<>()).add(new StartTarget(definition.getId(), definition.getKey()));
                }
            }
            for (ReceiveTask task : model.getModelElementsByType(ReceiveTask.class)) {
                if (task.getMessage() != null) {
                    waits.add(task.getMessage().getName());
                }
            }
        }
        return new Index(starts, waits);
    }

    private int latestVersion(String key) {
        return repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult().getVersion();
    }
}
