package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.MessageEventDefinition;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ReceiveTask;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Knows from memory which event types start a journey, which ones a journey can wait for or count as its goal,
 * and which profile attributes a waiting journey depends on, so that an event no journey cares about never
 * touches the engine's database. Rebuilt lazily after any BPMN is deployed, and again once the deployment commits
 * (an event read between the parse and the commit would otherwise keep an index without the new journey).
 */
@Component
public class JourneyTriggers extends AbstractProcessEnginePlugin {

    /** A process definition an event type starts, with its journey settings. */
    public record StartTarget(String definitionId, String definitionKey, JourneySettings settings) {
    }

    /**
     * A "Wait for event" receive task of a definition; correlationProperty is the block's, else the journey's
     * instance key property, else null.
     */
    public record EventWait(String definitionId, String activityId, String correlationProperty) {
    }

    /** A "Goal" end event of a definition (the old shape, reached by process instance modification). */
    public record Goal(String definitionId, String definitionKey, String activityId) {
    }

    /** A "Wait until date" timer of a definition. */
    public record DateWait(String definitionId, String activityId, DateWaitBlock block) {
    }

    /** The latest version of a scheduled journey: its schedule and the message name of its start event. */
    public record Scheduled(String definitionId, String definitionKey, JourneySchedule schedule, String startMessage) {
    }

    /** dateWaits: the waits on a profile attribute, by attribute; datesOf: every date wait, by definition. */
    private record Index(Map<String, List<StartTarget>> starts, Set<String> messageWaits, Map<String, List<EventWait>> eventWaits,
                         Map<String, List<Goal>> goals, Map<String, List<DateWait>> dateWaits, Map<String, List<DateWait>> datesOf,
                         Map<String, JourneySettings> settings, Map<String, Scheduled> scheduled) {
    }

    private static final Logger log = LoggerFactory.getLogger(JourneyTriggers.class);

    private volatile RepositoryService repository;
    private volatile Index index;
    private final AtomicLong generation = new AtomicLong();
    private final Map<String, String> keysById = new ConcurrentHashMap<>();

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getCustomPostBPMNParseListeners() == null) {
            configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
        }
        configuration.getCustomPostBPMNParseListeners().add(new AbstractBpmnParseListener() {
            @Override
            public void parseProcess(Element processElement, ProcessDefinitionEntity processDefinition) {
                stale();
                // an event read in the meantime rebuilt the index without what this deployment adds: again once it commits
                CommandContext command = Context.getCommandContext();
                if (command != null) {
                    command.getTransactionContext().addTransactionListener(TransactionState.COMMITTED, committed -> stale());
                }
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

    /** Whether any deployed definition, of any version, has a message catch event or receive task for this event type. */
    public boolean awaited(String eventType) {
        return current().messageWaits().contains(eventType);
    }

    /** "Wait for event" tasks of any version waiting for this event type. */
    public List<EventWait> eventWaits(String eventType) {
        return current().eventWaits().getOrDefault(eventType, List.of());
    }

    /** The journey settings of a deployed definition, of any version. */
    public JourneySettings settings(String definitionId) {
        JourneySettings settings = current().settings().get(definitionId);
        return settings == null ? JourneySettings.of(Map.of()) : settings;
    }

    /** The scheduled journeys (latest active versions), by journey key. */
    public java.util.Collection<Scheduled> scheduled() {
        return current().scheduled().values();
    }

    /** "Goal" end events (the old shape) of any version reached by this event type. */
    public List<Goal> goals(String eventType) {
        return current().goals().getOrDefault(eventType, List.of());
    }

    /** "Wait until date" timers of any version that depend on this profile attribute. */
    public List<DateWait> dateWaits(String attribute) {
        return current().dateWaits().getOrDefault(attribute, List.of());
    }

    /** The "Wait until date" timers of a definition. */
    public List<DateWait> dateWaitsOf(String definitionId) {
        return current().datesOf().getOrDefault(definitionId, List.of());
    }

    /** Whether any journey waits on a date from its starting or latest event. */
    public boolean readsEventDates() {
        return current().datesOf().values().stream().flatMap(List::stream).anyMatch(w -> w.block().source() != DateWaitBlock.Source.PROFILE);
    }

    /** Whether any journey waits on a date of a profile attribute. */
    public boolean watchesProfileDates() {
        return !current().dateWaits().isEmpty();
    }

    /** The key of a deployed definition, of any version (a definition never changes its key). */
    public String definitionKey(String definitionId) {
        return keysById.computeIfAbsent(definitionId, id -> repository.getProcessDefinition(id).getKey());
    }

    /** Whether any journey waits on one of these attributes. */
    public boolean watchesAnyOf(Set<String> attributes) {
        Map<String, List<DateWait>> watched = current().dateWaits();
        return !watched.isEmpty() && attributes.stream().anyMatch(watched::containsKey);
    }

    private void stale() {
        generation.incrementAndGet();
        index = null;
    }

    /** The index, built anew after a deployment; one built while a deployment was parsed or committed is not kept. */
    private Index current() {
        Index current = index;
        if (current == null) {
            long before = generation.get();
            current = build();
            if (generation.get() == before) {
                index = current;
            }
        }
        return current;
    }

    private Index build() {
        Index built = new Index(new HashMap<>(), new HashSet<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>());
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().list()) {
            try {
                BpmnModelInstance model = repository.getBpmnModelInstance(definition.getId());
                model.getModelElementsByType(Process.class).stream().filter(p -> p.getId().equals(definition.getKey())).findFirst()
                        .ifPresent(process -> built.settings().put(definition.getId(), JourneySettings.of(properties(process))));
                indexMessages(definition, model, built);
                indexBlocks(definition, model, built);
            } catch (RuntimeException unreadable) {
                // a definition deployed before today's checks (or written past them) must not stop every event
                log.error("TP-JOURNEY-002 Journey definition {} is left out: its settings or blocks cannot be read ({}); no event starts or moves it",
                        definition.getId(), unreadable.toString());
            }
        }
        return built;
    }

    private void indexMessages(ProcessDefinition definition, BpmnModelInstance model, Index built) {
        boolean latestAndActive = !definition.isSuspended() && definition.getVersion() == latestVersion(definition.getKey());
        for (MessageEventDefinition message : model.getModelElementsByType(MessageEventDefinition.class)) {
            if (message.getMessage() == null) {
                continue;
            }
            String name = message.getMessage().getName();
            boolean processStart = message.getParentElement() instanceof StartEvent start && start.getParentElement() instanceof Process;
            if (!processStart) {
                built.messageWaits().add(name);
            } else if (latestAndActive) {
                Process process = (Process) message.getParentElement().getParentElement();
                JourneySettings settings = JourneySettings.of(properties(process));
                built.starts().computeIfAbsent(name, n -> new ArrayList<>()).add(new StartTarget(definition.getId(), definition.getKey(), settings));
                JourneySchedule schedule = JourneySchedule.of(properties(process));
                if (schedule != null) {
                    built.scheduled().putIfAbsent(definition.getKey(), new Scheduled(definition.getId(), definition.getKey(), schedule, name));
                }
            }
        }
        for (ReceiveTask task : model.getModelElementsByType(ReceiveTask.class)) {
            if (task.getMessage() != null) {
                built.messageWaits().add(task.getMessage().getName());
            }
        }
    }

    private void indexBlocks(ProcessDefinition definition, BpmnModelInstance model, Index built) {
        for (BaseElement element : model.getModelElementsByType(BaseElement.class)) {
            Map<String, String> values = properties(element);
            String block = values.get(BlockSettings.BLOCK);
            if (block == null) {
                continue;
            }
            String id = element.getId();
            String instanceKey = built.settings().getOrDefault(definition.getId(), JourneySettings.of(Map.of())).instanceKey();
            String correlationProperty = BlockSettings.optional(values, "correlationProperty");
            switch (block) {
                case BlockSettings.WAIT_FOR_EVENT -> built.eventWaits().computeIfAbsent(values.get("eventType"), t -> new ArrayList<>())
                        .add(new EventWait(definition.getId(), id, correlationProperty == null ? instanceKey : correlationProperty));
                case BlockSettings.GOAL -> {
                    if (element instanceof StartEvent) { // an event sub-process's message start event: a message the journey waits for
                        built.messageWaits().add(values.get("eventType"));
                    } else {
                        built.goals().computeIfAbsent(values.get("eventType"), t -> new ArrayList<>())
                                .add(new Goal(definition.getId(), definition.getKey(), id));
                    }
                }
                case BlockSettings.WAIT_UNTIL_DATE, BlockSettings.WAIT_UNTIL_PROFILE_DATE -> indexDateWait(definition, id, values, built);
                default -> { }
            }
        }
    }

    private static void indexDateWait(ProcessDefinition definition, String activityId, Map<String, String> values, Index built) {
        DateWaitBlock block;
        try {
            block = DateWaitBlock.of(values);
        } catch (BlockSettings.Invalid e) { // deployed before the block was checked as it is now: it is never re-planned
            log.warn("TP-JOURNEY-006 The wait {} of {} is not re-planned: {}", activityId, definition.getId(), e.getMessage());
            return;
        }
        DateWait wait = new DateWait(definition.getId(), activityId, block);
        built.datesOf().computeIfAbsent(definition.getId(), d -> new ArrayList<>()).add(wait);
        if (block.source() == DateWaitBlock.Source.PROFILE) {
            built.dateWaits().computeIfAbsent(block.field(), a -> new ArrayList<>()).add(wait);
        }
    }

    /** The camunda:property entries of a model element. */
    static Map<String, String> properties(BaseElement element) {
        Map<String, String> values = new LinkedHashMap<>();
        if (element.getExtensionElements() == null) {
            return values;
        }
        for (CamundaProperties properties : element.getExtensionElements().getChildElementsByType(CamundaProperties.class)) {
            for (CamundaProperty property : properties.getCamundaProperties()) {
                values.put(property.getCamundaName(), property.getCamundaValue());
            }
        }
        return values;
    }

    private int latestVersion(String key) {
        return repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult().getVersion();
    }
}
