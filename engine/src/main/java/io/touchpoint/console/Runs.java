package io.touchpoint.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.variable.VariableMap;
import org.camunda.bpm.engine.variable.value.TypedValue;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

import io.touchpoint.channels.DeliveryReports;
import io.touchpoint.channels.RenderedMessage;
import io.touchpoint.decisions.DecisionLog;
import io.touchpoint.journeys.BlockSettings;
import io.touchpoint.journeys.JourneyRecords;
import io.touchpoint.journeys.RunMoves;

/**
 * Journey runs (process instances) for the console's drill-down: the runs waiting at a step, one run with its steps,
 * variables, timers, incidents, decisions, messages, goal and operator actions; and an operator's cancel or move of a
 * run, recorded with who and why.
 */
@Service
public class Runs {

    /** A run of a customer: running or finished, and how it ended. */
    public record RunSummary(String runId, String journey, Integer version, String state, Instant startedAt, Instant endedAt) {
    }

    /** A run waiting at a step now. */
    public record WaitingRun(String runId, String customerId, String instanceKey, Integer version, Instant startedAt,
                             Instant waitingSince, Instant timerDueAt, IncidentRef incident) {
    }

    /** An open incident, in brief. */
    public record IncidentRef(String id, String message) {
    }

    /** A step the run walked, or waits at now ({@code ACTIVE}). */
    public record StepVisit(String stepId, String name, String type, Instant startedAt, Instant endedAt, String state) {
    }

    /** A variable of a running run. */
    public record Variable(String name, String type, Object value) {
    }

    /** A timer of the run and when it is due. */
    public record Timer(String jobId, String stepId, Instant dueAt) {
    }

    /** An open incident of the run. */
    public record RunIncident(String id, String stepId, String type, String message, Instant at) {
    }

    /** A message of the run with its content as sent and what the customer did with it. */
    public record RunMessage(String idempotencyKey, String stepId, String channel, String template, String recipient, String subject,
                             String status, String reason, Instant createdAt, Instant updatedAt, Instant openedAt, Instant clickedAt,
                             RenderedMessage content) {
    }

    /** The goal the run reached. */
    public record RunGoal(String stepId, String eventType, Instant reachedAt) {
    }

    /** One run in full. */
    public record RunDetail(String runId, String journey, String journeyName, Integer version, String customerId, String instanceKey,
                            String state, Instant startedAt, Instant endedAt, String endReason, List<String> waitingAt,
                            List<StepVisit> steps, List<Variable> variables, List<Timer> timers, List<RunIncident> incidents,
                            List<DecisionView> decisions, List<RunMessage> messages, RunGoal goal, List<RunActions.Action> actions) {
    }

    private final RuntimeService runtime;
    private final HistoryService history;
    private final ManagementService management;
    private final RepositoryService repository;
    private final JdbcTemplate jdbc;
    private final JourneyRecords records;
    private final DecisionLog decisions;
    private final DeliveryReports deliveries;
    private final RunActions actions;
    private final ConsoleClock clock;

    Runs(RuntimeService runtime, HistoryService history, ManagementService management, RepositoryService repository, JdbcTemplate jdbc,
         JourneyRecords records, DecisionLog decisions, DeliveryReports deliveries, RunActions actions, ConsoleClock clock) {
        this.runtime = runtime;
        this.history = history;
        this.management = management;
        this.repository = repository;
        this.jdbc = jdbc;
        this.records = records;
        this.decisions = decisions;
        this.deliveries = deliveries;
        this.actions = actions;
        this.clock = clock;
    }

    /** Every run of a customer, running and finished, the newest first (at most 200). */
    public List<RunSummary> ofCustomer(String customerId) {
        List<HistoricProcessInstance> runs = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customerId)
                .orderByProcessInstanceStartTime().desc().listPage(0, 200);
        Map<String, JourneyRecords.Goal> goals = records.goalsOf(runs.stream().map(HistoricProcessInstance::getId).toList());
        return runs.stream().map(run -> new RunSummary(run.getId(), run.getProcessDefinitionKey(), run.getProcessDefinitionVersion(),
                state(run, goals.containsKey(run.getId())), instant(run.getStartTime()), instant(run.getEndTime()))).toList();
    }

    /** The runs of a journey (any version) waiting at a step now, the longest running first. */
    public Page<WaitingRun> waitingAt(String journeyKey, String stepId, int limit, int offset) {
        // a Send message step's customers may wait at the steps the engine put in front of it (quiet hours, caps)
        List<String> steps = BlockSettings.runningSteps(stepId);
        String atStep = " in (" + String.join(", ", Collections.nCopies(steps.size(), "?")) + ")";
        Object[] keyAndSteps = withFirst(journeyKey, steps);
        String from = " from ACT_RU_EXECUTION e join ACT_HI_PROCINST p on p.PROC_INST_ID_ = e.PROC_INST_ID_"
                + " where p.PROC_DEF_KEY_ = ? and e.ACT_ID_" + atStep;
        Long total = jdbc.queryForObject("select count(distinct e.PROC_INST_ID_)" + from, Long.class, keyAndSteps);
        List<WaitingRun> page = jdbc.query("select distinct p.PROC_INST_ID_, p.BUSINESS_KEY_, p.START_TIME_, d.VERSION_" + from.replace(
                        " where", " join ACT_RE_PROCDEF d on d.ID_ = p.PROC_DEF_ID_ where") + " order by p.START_TIME_, p.PROC_INST_ID_ limit ? offset ?",
                (row, n) -> new WaitingRun(row.getString(1), row.getString(2), null, row.getInt(4), instant(row.getTimestamp(3)), null, null, null),
                withLast(keyAndSteps, limit, offset));
        if (page.isEmpty()) {
            return new Page<>(page, total == null ? 0 : total, limit, offset);
        }
        List<String> ids = page.stream().map(WaitingRun::runId).toList();
        String in = " in (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
        Map<String, Instant> since = new HashMap<>();
        jdbc.query("select PROC_INST_ID_, max(START_TIME_) from ACT_HI_ACTINST where ACT_ID_" + atStep + " and END_TIME_ is null and PROC_INST_ID_" + in
                + " group by PROC_INST_ID_", row -> {
                    since.put(row.getString(1), instant(row.getTimestamp(2)));
                }, withLast(steps.toArray(), ids.toArray()));
        Map<String, Instant> due = new HashMap<>();
        jdbc.query("select PROCESS_INSTANCE_ID_, min(DUEDATE_) from ACT_RU_JOB where TYPE_ = 'timer' and PROCESS_INSTANCE_ID_" + in
                + " group by PROCESS_INSTANCE_ID_", row -> {
                    due.put(row.getString(1), instant(row.getTimestamp(2)));
                }, ids.toArray());
        Map<String, IncidentRef> incidents = new HashMap<>();
        jdbc.query("select PROC_INST_ID_, ID_, INCIDENT_MSG_ from ACT_RU_INCIDENT where ACTIVITY_ID_" + atStep + " and PROC_INST_ID_" + in, row -> {
            incidents.putIfAbsent(row.getString(1), new IncidentRef(row.getString(2), row.getString(3)));
        }, withLast(steps.toArray(), ids.toArray()));
        Map<String, String> keys = new HashMap<>();
        page.stream().map(WaitingRun::customerId).distinct().forEach(customer -> keys.putAll(records.instanceKeys(customer)));
        return new Page<>(page.stream().map(run -> new WaitingRun(run.runId(), run.customerId(), keys.get(run.runId()), run.version(),
                run.startedAt(), since.get(run.runId()), due.get(run.runId()), incidents.get(run.runId()))).toList(),
                total == null ? 0 : total, limit, offset);
    }

    /** One run, running or finished; 404 when the engine knows none with this id. */
    public RunDetail run(String runId) {
        HistoricProcessInstance run = historic(runId);
        boolean active = run.getEndTime() == null;
        String definitionId = run.getProcessDefinitionId();
        JourneyRecords.Goal goal = records.goalOf(runId).orElse(null);
        List<StepVisit> steps = history.createHistoricActivityInstanceQuery().processInstanceId(runId)
                .orderByHistoricActivityInstanceStartTime().asc().orderPartiallyByOccurrence().asc().list().stream()
                .map(Runs::visit).toList();
        String name = repository.getProcessDefinition(definitionId).getName();
        return new RunDetail(runId, run.getProcessDefinitionKey(), name, run.getProcessDefinitionVersion(), run.getBusinessKey(),
                records.instanceKeys(run.getBusinessKey() == null ? "" : run.getBusinessKey()).get(runId),
                state(run, goal != null), instant(run.getStartTime()), instant(run.getEndTime()), run.getDeleteReason(),
                active ? runtime.getActiveActivityIds(runId) : List.of(), steps,
                active ? variables(runId) : List.of(), active ? timers(runId, definitionId) : List.of(),
                runtime.createIncidentQuery().processInstanceId(runId).list().stream().map(i -> new RunIncident(i.getId(), i.getActivityId(),
                        i.getIncidentType(), i.getIncidentMessage(), instant(i.getIncidentTimestamp()))).toList(),
                decisions.forJourneyRun(runId).stream().map(DecisionView::of).toList(),
                deliveries.ofJourneyRun(runId).stream().map(Runs::message).toList(),
                goal == null ? null : new RunGoal(goal.activityId(), goal.eventType(), goal.reachedAt()),
                actions.of(runId));
    }

    /** Ends a running run, recording who did it and why with the end, in one transaction. */
    @Transactional
    public RunActions.Action cancel(String runId, String reason, String user) {
        HistoricProcessInstance run = running(runId);
        String from = String.join(",", runtime.getActiveActivityIds(runId));
        RunActions.Action action = new RunActions.Action("CANCEL", runId, run.getProcessDefinitionKey(), from.isEmpty() ? null : from, null,
                reason, user, clock.now());
        actions.record(action);
        runtime.deleteProcessInstance(runId, "cancelled by " + user + ": " + reason);
        return action;
    }

    /**
     * Moves a running run to another step of its version: starts it before {@code toStep}, then cancels every step it
     * was at, in one modification; recorded with who and why.
     */
    @Transactional
    public RunActions.Action move(String runId, String toStep, String reason, String user) {
        HistoricProcessInstance run = running(runId);
        if (!(repository.getBpmnModelInstance(run.getProcessDefinitionId()).getModelElementById(toStep) instanceof FlowNode)) {
            throw new BadParameterException("toStep", "'" + toStep + "' is not a step of journey " + run.getProcessDefinitionKey()
                    + " version " + run.getProcessDefinitionVersion());
        }
        String from = String.join(",", runtime.getActiveActivityIds(runId));
        RunActions.Action action = new RunActions.Action("MOVE", runId, run.getProcessDefinitionKey(), from.isEmpty() ? null : from, toStep,
                reason, user, clock.now());
        actions.record(action);
        try {
            RunMoves.moveTo(runtime, runId, toStep, "moved by " + user + ": " + reason, true);
        } catch (ProcessEngineException refused) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "The run cannot be moved to '" + toStep + "': " + refused.getMessage());
        }
        return action;
    }

    private HistoricProcessInstance historic(String runId) {
        HistoricProcessInstance run = history.createHistoricProcessInstanceQuery().processInstanceId(runId).singleResult();
        if (run == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No journey run with id '" + runId + "'.");
        }
        return run;
    }

    private HistoricProcessInstance running(String runId) {
        HistoricProcessInstance run = historic(runId);
        if (run.getEndTime() != null || runtime.createProcessInstanceQuery().processInstanceId(runId).count() == 0) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "The journey run '" + runId + "' has ended: it cannot be changed.");
        }
        return run;
    }

    /** ACTIVE, CONVERTED (reached a goal), COMPLETED (ended otherwise) or CANCELLED (deleted: an operator, an erasure). */
    private static String state(HistoricProcessInstance run, boolean reachedGoal) {
        if (reachedGoal) {
            return "CONVERTED";
        }
        if (run.getEndTime() == null) {
            return "ACTIVE";
        }
        return HistoricProcessInstance.STATE_COMPLETED.equals(run.getState()) ? "COMPLETED" : "CANCELLED";
    }

    private static StepVisit visit(HistoricActivityInstance step) {
        String state = step.getEndTime() == null ? "ACTIVE" : step.isCanceled() ? "CANCELLED" : "COMPLETED";
        return new StepVisit(step.getActivityId(), step.getActivityName(), step.getActivityType(), instant(step.getStartTime()),
                instant(step.getEndTime()), state);
    }

    private List<Variable> variables(String runId) {
        VariableMap variables = runtime.getVariablesTyped(runId, true);
        List<Variable> list = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(variables.keySet())) {
            TypedValue value = variables.getValueTyped(name);
            Object plain = value.getValue();
            boolean json = plain == null || plain instanceof String || plain instanceof Number || plain instanceof Boolean
                    || plain instanceof Map || plain instanceof List;
            list.add(new Variable(name, value.getType() == null ? null : value.getType().getName(),
                    plain instanceof Date date ? date.toInstant() : json ? plain : String.valueOf(plain)));
        }
        return list;
    }

    private List<Timer> timers(String runId, String definitionId) {
        Map<String, String> stepOfDefinition = new LinkedHashMap<>();
        management.createJobDefinitionQuery().processDefinitionId(definitionId).list()
                .forEach(d -> stepOfDefinition.put(d.getId(), d.getActivityId()));
        return management.createJobQuery().processInstanceId(runId).timers().orderByJobDuedate().asc().list().stream()
                .map(job -> new Timer(job.getId(), stepOfDefinition.get(job.getJobDefinitionId()), instant(job.getDuedate()))).toList();
    }

    private static RunMessage message(DeliveryReports.RunMessage message) {
        var entry = message.entry();
        String key = entry.idempotencyKey();
        return new RunMessage(key, key.substring(key.indexOf(':') + 1), entry.channel(), entry.template(), entry.recipient(),
                entry.subject(), entry.status().name(), entry.reason(), entry.createdAt(), entry.updatedAt(), message.openedAt(),
                message.clickedAt(), message.content());
    }

    private static Object[] withLast(Object[] first, Object... rest) {
        List<Object> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray();
    }

    private static Object[] withFirst(Object first, List<String> rest) {
        List<Object> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray();
    }

    static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
