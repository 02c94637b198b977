package io.touchpoint.console;

import java.sql.Timestamp;
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
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import io.touchpoint.channels.DeliveryReports;

/**
 * Live figures of journeys from Camunda's runtime and history tables and the delivery log: customers in each
 * journey and step now, how many passed each step, incidents, the funnel, conversions and messages per channel.
 * A journey converts when it ends at a goal: an end event whose id starts with {@code End_Converted} or {@code Goal_}.
 */
@Service
public class JourneyStatistics {

    static final String GOAL_ACTIVITY = "(ACT_ID_ like 'End_Converted%' or ACT_ID_ like 'Goal_%')";

    /** One row of the journey list. */
    public record JourneySummary(String key, String name, int version, long active, long enteredToday,
                                 long convertedToday, long exitedToday, long incidents) {
    }

    /** Figures of one step (flow node) of a journey over all its versions. */
    public record StepCounts(String id, String name, String type, long waiting, long passed, long incidents) {
    }

    /** One journey in detail, with its BPMN for the diagram. */
    public record JourneyDetail(String key, String name, int version, String bpmnXml, long entered, long active,
                                long converted, double conversionRate, Map<String, StepCounts> steps,
                                List<StepCounts> funnel, Map<String, Map<String, Long>> messagesByChannel) {
    }

    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final ManagementService management;
    private final HistoryService history;
    private final JdbcTemplate jdbc;
    private final DeliveryReports deliveries;
    private final ConsoleClock clock;

    JourneyStatistics(RepositoryService repository, RuntimeService runtime, ManagementService management,
                      HistoryService history, JdbcTemplate jdbc, DeliveryReports deliveries, ConsoleClock clock) {
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
                    long finishedToday = history.createHistoricProcessInstanceQuery().processDefinitionKey(key).finishedAfter(today).count();
                    long convertedToday = convertedSince(key, today.toInstant());
                    return new JourneySummary(key, latest.getName(), latest.getVersion(),
                            runtime.createProcessInstanceQuery().processDefinitionKey(key).count(),
                            history.createHistoricProcessInstanceQuery().processDefinitionKey(key).startedAfter(today).count(),
                            convertedToday, finishedToday - convertedToday,
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
        long converted = convertedSince(key, Instant.EPOCH);
        return new JourneyDetail(key, latest.getName(), latest.getVersion(), bpmnXml(latest),
                entered, runtime.createProcessInstanceQuery().processDefinitionKey(key).count(),
                converted, entered == 0 ? 0 : (double) converted / entered,
                steps, funnel(model, steps), messagesByChannel(key));
    }

    private long convertedSince(String key, Instant since) {
        Long count = jdbc.queryForObject("select count(distinct PROC_INST_ID_) from ACT_HI_ACTINST where PROC_DEF_KEY_ = ? and END_TIME_ >= ? and "
                + GOAL_ACTIVITY, Long.class, key, Timestamp.from(since));
        return count == null ? 0 : count;
    }

    private Map<String, StepCounts> steps(String key, BpmnModelInstance model) {
        Map<String, Long> waiting = new HashMap<>();
        Map<String, Long> incidents = new HashMap<>();
        for (ProcessDefinition version : repository.createProcessDefinitionQuery().processDefinitionKey(key).list()) {
            for (ActivityStatistics step : management.createActivityStatisticsQuery(version.getId()).includeIncidents().list()) {
                waiting.merge(step.getId(), (long) step.getInstances(), Long::sum);
                incidents.merge(step.getId(), step.getIncidentStatistics().stream().mapToLong(IncidentStatistics::getIncidentCount).sum(), Long::sum);
            }
        }
        Map<String, Long> passed = new HashMap<>();
        jdbc.query("select ACT_ID_, count(*) from ACT_HI_ACTINST where PROC_DEF_KEY_ = ? and END_TIME_ is not null group by ACT_ID_",
                row -> { passed.put(row.getString(1), row.getLong(2)); }, key);
        Map<String, StepCounts> steps = new LinkedHashMap<>();
        for (FlowNode node : model.getModelElementsByType(FlowNode.class)) {
            String id = node.getId();
            steps.put(id, new StepCounts(id, node.getName(), node.getElementType().getTypeName(),
                    waiting.getOrDefault(id, 0L), passed.getOrDefault(id, 0L), incidents.getOrDefault(id, 0L)));
        }
        return steps;
    }

    /** The steps in the order a customer meets them (breadth first from the start events); only waiting gateways shown. */
    private static List<StepCounts> funnel(BpmnModelInstance model, Map<String, StepCounts> steps) {
        Deque<FlowNode> next = new ArrayDeque<>(model.getModelElementsByType(StartEvent.class));
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
        // ends last, so the funnel reads from entry to outcome
        List<StepCounts> ordered = new ArrayList<>(funnel.stream().filter(s -> !isEnd(model, s.id())).toList());
        ordered.addAll(funnel.stream().filter(s -> isEnd(model, s.id())).toList());
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
