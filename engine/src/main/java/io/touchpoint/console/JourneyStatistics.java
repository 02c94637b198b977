package io.touchpoint.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Date;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.management.ActivityStatistics;
import org.camunda.bpm.engine.management.IncidentStatistics;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.EventBasedGateway;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Gateway;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ExtensionElements;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.touchpoint.channels.DeliveryReports;
import io.touchpoint.journeys.BlockSettings;
import io.touchpoint.journeys.JourneyRecords;

/**
 * Live figures of journeys from Camunda's runtime and history tables and the delivery log: customers in each
 * journey and step now, how many passed each step, incidents, the funnel, conversions and messages per channel.
 * A run converts when it reaches a goal (the Goal block): the goals the engine recorded ({@code JourneyRecords}),
 * never a guess from element names. Exits and passes are counted from the engine's history.
 */
@Service
public class JourneyStatistics {

    /** {@code ACT_HI_ACTINST.ACT_INST_STATE_} of a visit that was cancelled (Camunda's ActivityInstanceState.CANCELED). */
    private static final int CANCELLED = 2;

    /** One row of the journey list. */
    public record JourneySummary(String key, String name, int version, long active, long enteredToday,
                                 long convertedToday, long exitedToday, long incidents) {
    }

    /**
     * Figures of one step (flow node) of a journey over all its versions: runs waiting there now, visits completed
     * ({@code passed}), runs a goal pulled out while there ({@code converted}), visits cancelled otherwise (an
     * operator's cancel or move), open incidents; {@code goal} when the step is a goal's end event.
     */
    public record StepCounts(String id, String name, String type, long waiting, long passed, long converted, long cancelled,
                             long incidents, boolean goal) {
    }

    /** One journey in detail, with its BPMN for the diagram. */
    public record JourneyDetail(String key, String name, int version, String bpmnXml, long entered, long active,
                                long converted, long exited, double conversionRate, Map<String, StepCounts> steps,
                                List<StepCounts> funnel, Map<String, Map<String, Long>> messagesByChannel) {
    }

    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final ManagementService management;
    private final HistoryService history;
    private final JdbcTemplate jdbc;
    private final DeliveryReports deliveries;
    private final JourneyRecords records;
    private final ConsoleClock clock;

    JourneyStatistics(RepositoryService repository, RuntimeService runtime, ManagementService management,
                      HistoryService history, JdbcTemplate jdbc, DeliveryReports deliveries, JourneyRecords records, ConsoleClock clock) {
        this.records = records;
        this.repository = repository;
        this.runtime = runtime;
        this.management = management;
        this.history = history;
        this.jdbc = jdbc;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    public List<JourneySummary> journeys() {
        Date today = Date.from(clock.startOfToday());
        return repository.createProcessDefinitionQuery().latestVersion().orderByProcessDefinitionKey().asc().list().stream()
                .map(latest -> {
                    String key = latest.getKey();
                    return new JourneySummary(key, latest.getName(), latest.getVersion(),
                            runtime.createProcessInstanceQuery().processDefinitionKey(key).count(),
                            history.createHistoricProcessInstanceQuery().processDefinitionKey(key).startedAfter(today).count(),
                            records.goalsReachedSince(key, today.toInstant()), records.exitsSince(key, today.toInstant()),
                            runtime.createIncidentQuery().processDefinitionKeyIn(key).count());
                }).toList();
    }

    /** The journey with this key, or null when none is deployed. */
    public JourneyDetail journey(String key) {
        ProcessDefinition latest = repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult();
        if (latest == null) {
            return null;
        }
        BpmnModelInstance model = repository.getBpmnModelInstance(latest.getId());
        Map<String, StepCounts> steps = steps(key, model);
        long entered = history.createHistoricProcessInstanceQuery().processDefinitionKey(key).count();
        long converted = records.goalsReached(key);
        return new JourneyDetail(key, latest.getName(), latest.getVersion(), bpmnXml(latest),
                entered, runtime.createProcessInstanceQuery().processDefinitionKey(key).count(),
                converted, records.exitsSince(key, Instant.EPOCH), entered == 0 ? 0 : (double) converted / entered,
                steps, funnel(model, steps), messagesByChannel(key));
    }

    /** Whether the journey with this key is deployed (any version). */
    public boolean isDeployed(String key) {
        return repository.createProcessDefinitionQuery().processDefinitionKey(key).count() > 0;
    }

    private Map<String, StepCounts> steps(String key, BpmnModelInstance model) {
        Map<String, Long> waiting = new HashMap<>();
        Map<String, Long> incidents = new HashMap<>();
        for (ProcessDefinition version : repository.createProcessDefinitionQuery().processDefinitionKey(key).list()) {
            for (ActivityStatistics step : management.createActivityStatisticsQuery(version.getId()).includeIncidents().list()) {
                waiting.merge(BlockSettings.modelledStep(step.getId()), (long) step.getInstances(), Long::sum);
                incidents.merge(BlockSettings.modelledStep(step.getId()), step.getIncidentStatistics().stream().mapToLong(IncidentStatistics::getIncidentCount).sum(), Long::sum);
            }
        }
        Map<String, Long> passed = new HashMap<>();
        Map<String, Long> cancelled = new HashMap<>();
        jdbc.query("select ACT_ID_, sum(case when ACT_INST_STATE_ = " + CANCELLED + " then 0 else 1 end),"
                        + " sum(case when ACT_INST_STATE_ = " + CANCELLED + " then 1 else 0 end)"
                        + " from ACT_HI_ACTINST where PROC_DEF_KEY_ = ? and END_TIME_ is not null group by ACT_ID_",
                row -> {
                    passed.put(row.getString(1), row.getLong(2));
                    cancelled.put(row.getString(1), row.getLong(3));
                }, key);
        Map<String, Long> converted = records.goalsByStepLeft(key);
        Set<String> goals = goalSteps(model);
        Map<String, StepCounts> steps = new LinkedHashMap<>();
        for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
            String id = node.getId();
            long pulledOutByGoal = converted.getOrDefault(id, 0L);
            steps.put(id, new StepCounts(id, node.getName(), node.getElementType().getTypeName(),
                    waiting.getOrDefault(id, 0L), passed.getOrDefault(id, 0L), pulledOutByGoal,
                    cancelled.getOrDefault(id, 0L) - pulledOutByGoal, incidents.getOrDefault(id, 0L), goals.contains(id)));
        }
        return steps;
    }

    /**
     * The end events of the journey's goals: the end events of an event sub-process started by a Goal block, and
     * old-shape goal end events (the Goal block on the end event itself).
     */
    static Set<String> goalSteps(BpmnModelInstance model) {
        Set<String> goals = new LinkedHashSet<>();
        for (EndEvent end : model.getModelElementsByType(EndEvent.class)) {
            boolean goalSubProcess = end.getParentElement() instanceof SubProcess sub && sub.triggeredByEvent()
                    && sub.getChildElementsByType(StartEvent.class).stream().anyMatch(JourneyStatistics::isGoalBlock);
            if (goalSubProcess || isGoalBlock(end)) {
                goals.add(end.getId());
            }
        }
        return goals;
    }

    private static boolean isGoalBlock(FlowNode node) {
        ExtensionElements extensions = node.getExtensionElements();
        return extensions != null && extensions.getElementsQuery().filterByType(CamundaProperties.class).list().stream()
                .flatMap(properties -> properties.getCamundaProperties().stream())
                .anyMatch(property -> "touchpoint.block".equals(property.getCamundaName()) && "goal".equals(property.getCamundaValue()));
    }

    /**
     * The steps in the order a customer meets them (breadth first from the journey's start events); only waiting
     * gateways shown; the ends of the main flow, then the goals, last.
     */
    private static List<StepCounts> funnel(BpmnModelInstance model, Map<String, StepCounts> steps) {
        Deque<FlowNode> next = new ArrayDeque<>(model.getModelElementsByType(StartEvent.class).stream()
                .filter(start -> start.getParentElement() instanceof org.camunda.bpm.model.bpmn.instance.Process).toList());
        Set<String> seen = new LinkedHashSet<>();
        List<StepCounts> funnel = new ArrayList<>();
        while (!next.isEmpty()) {
            FlowNode node = next.poll();
            if (!seen.add(node.getId())) {
                continue;
            }
            if (!(node instanceof Gateway) || node instanceof EventBasedGateway) {
                funnel.add(steps.get(node.getId()));
            }
            Collection<SequenceFlow> outgoing = node.getOutgoing();
            outgoing.forEach(flow -> next.add(flow.getTarget()));
        }
        // ends last, so the funnel reads from entry to outcome; then the goals, which no flow of the main path reaches
        List<StepCounts> ordered = new ArrayList<>(funnel.stream().filter(s -> !isEnd(model, s.id()) && !s.goal()).toList());
        ordered.addAll(funnel.stream().filter(s -> isEnd(model, s.id()) && !s.goal()).toList());
        goalSteps(model).forEach(goal -> ordered.add(steps.get(goal)));
        return ordered;
    }

    private static boolean isEnd(BpmnModelInstance model, String id) {
        return model.getModelElementById(id) instanceof EndEvent;
    }

    private Map<String, Map<String, Long>> messagesByChannel(String key) {
        Map<String, Map<String, Long>> byChannel = new LinkedHashMap<>();
        deliveries.countsByJourney(key).forEach(count ->
                byChannel.computeIfAbsent(count.channel(), c -> new LinkedHashMap<>()).put(count.status(), count.messages()));
        return byChannel;
    }

    private String bpmnXml(ProcessDefinition definition) {
        try (var xml = repository.getProcessModel(definition.getId())) {
            return new String(xml.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the BPMN of " + definition.getKey(), e);
        }
    }
}
