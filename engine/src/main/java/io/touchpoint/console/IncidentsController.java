package io.touchpoint.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.IncidentQuery;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.touchpoint.channels.DeliveryReports;
import io.touchpoint.journeys.JourneyRetries;

/**
 * What failed and its retry: Camunda incidents (a journey step that ran out of retries) and failed messages in
 * the delivery log. Incidents are listed a page at a time, filtered, and counted by cause or by journey and step; a
 * cause is the incident's message with its ids, numbers and addresses blanked out, so the same failure of many
 * runs is one cause. A retry gives each failed job one more try, due now (the job executor runs it), and answers a
 * retry id whose outcome, job by job, is read from the engine: pending, succeeded, or failed again with the new reason.
 */
@RestController
@RequestMapping("/api/console")
public class IncidentsController {

    private static final Logger log = LoggerFactory.getLogger(IncidentsController.class);

    /** Ids, numbers of 4 digits or more, e-mail addresses and phone numbers: what differs between runs of one failure. */
    private static final Pattern VARYING = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[^\\s<>\"'@,;:]+@[^\\s<>\"',;]+|\\+?\\d[\\d ()-]{3,}\\d");

    /** An incident as the console lists it. */
    public record IncidentView(String id, String type, String message, String cause, Instant at, String journey, String activityId,
                               String processInstanceId, String customerId, String jobId) {
    }

    /** How many open incidents share a cause, or a journey and step. */
    public record IncidentGroup(String cause, String journey, String step, long count, String sample, Instant newestAt) {
    }

    /** A message whose last try failed, and the incident that holds its step, if the retries are used up. */
    public record FailedMessage(String idempotencyKey, String customerId, String channel, String template,
                                String recipient, String reason, Instant at, String incidentId, String incidentMessage,
                                String currentReason) {
    }

    /** Which incidents to retry: by id, or every one a filter matches (a whole group). */
    public record RetryRequest(List<String> ids, Filter filter) {
    }

    /** Incidents of a journey, a step, a cause (any case, part of the message or cause) and a type; blank means any. */
    public record Filter(String journey, String step, String cause, String type) {

        boolean isEmpty() {
            return Stream.of(journey, step, cause, type).allMatch(value -> value == null || value.isBlank());
        }
    }

    /** What a retry did: its id (to watch its outcome), the incidents retried and those not found. */
    public record RetryAnswer(String retryId, List<String> retried, List<String> notFound) {
    }

    /** The outcome of one retried job. */
    public record RetriedJobOutcome(String incidentId, String jobId, String journey, String step, String runId, String outcome,
                                    String reason, String previousReason) {
    }

    /** The outcome of a retry, job by job, and the count of each outcome. */
    public record RetryOutcome(String retryId, String by, Instant at, Map<String, Long> counts, List<RetriedJobOutcome> jobs) {
    }

    private static final String EXTERNAL_TASK = "external-task:";

    private final RuntimeService runtime;
    private final ManagementService management;
    private final ExternalTaskService externalTasks;
    private final HistoryService history;
    private final DeliveryReports deliveries;
    private final ConsoleClock clock;
    private final JourneyRetries eventSteps;
    private final RetryJobs retries;

    IncidentsController(RuntimeService runtime, ManagementService management, ExternalTaskService externalTasks, HistoryService history,
                        DeliveryReports deliveries, ConsoleClock clock, JourneyRetries eventSteps, RetryJobs retries) {
        this.eventSteps = eventSteps;
        this.runtime = runtime;
        this.management = management;
        this.externalTasks = externalTasks;
        this.history = history;
        this.deliveries = deliveries;
        this.clock = clock;
        this.retries = retries;
    }

    /** The open incidents the filter matches, newest first, a page at a time. */
    @GetMapping("/incidents")
    public Page<IncidentView> incidents(@RequestParam(required = false) String journey, @RequestParam(required = false) String step,
                                        @RequestParam(required = false) String cause, @RequestParam(required = false) String type,
                                        @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        Page.check(limit, offset);
        List<Incident> matching = matching(new Filter(journey, step, cause, type));
        return new Page<>(matching.stream().skip(offset).limit(limit).map(this::view).toList(), matching.size(), limit, offset);
    }

    /** The open incidents the filter matches, counted by cause ({@code by=cause}) or by journey and step ({@code by=step}), largest first. */
    @GetMapping("/incidents/groups")
    public List<IncidentGroup> groups(@RequestParam(defaultValue = "cause") String by, @RequestParam(required = false) String journey,
                                      @RequestParam(required = false) String step, @RequestParam(required = false) String cause,
                                      @RequestParam(required = false) String type) {
        if (!by.equals("cause") && !by.equals("step")) {
            throw new BadParameterException("by", "'by' is 'cause' or 'step', not '" + by + "'");
        }
        Map<List<String>, List<Incident>> groups = new LinkedHashMap<>();
        for (Incident incident : matching(new Filter(journey, step, cause, type))) {
            List<String> key = by.equals("cause") ? Arrays.asList(causeOf(incident), null, null)
                    : Arrays.asList(null, journeyOf(incident), incident.getActivityId());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(incident);
        }
        return groups.entrySet().stream()
                .map(group -> new IncidentGroup(group.getKey().get(0), group.getKey().get(1), group.getKey().get(2), group.getValue().size(),
                        group.getValue().get(0).getIncidentMessage(), group.getValue().get(0).getIncidentTimestamp().toInstant()))
                .sorted(Comparator.comparingLong(IncidentGroup::count).reversed()).toList();
    }

    @GetMapping("/incidents/{id}")
    public Map<String, Object> incident(@PathVariable String id) {
        Incident incident = find(id);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("incident", view(incident));
        detail.put("stacktrace", isJob(incident) ? management.getJobExceptionStacktrace(incident.getConfiguration()) : null);
        return detail;
    }

    /**
     * Retries incidents by id, or every open incident a filter matches; answers the retry's id, which incidents were
     * retried and which were not found (already resolved).
     */
    @PostMapping("/incidents/retry")
    public RetryAnswer retry(@RequestBody(required = false) RetryRequest request, Authentication user) {
        boolean byIds = request != null && request.ids() != null && !request.ids().isEmpty();
        boolean byFilter = request != null && request.filter() != null && !request.filter().isEmpty();
        if (!byIds && !byFilter) {
            throw new BadParameterException("ids", "Give the incident ids to retry in 'ids', or a 'filter' (journey, step, cause, type) for a whole group.");
        }
        if (byIds && byFilter) {
            throw new BadParameterException("filter", "Give either 'ids' or 'filter', not both.");
        }
        if (byIds && request.ids().stream().anyMatch(id -> id == null || id.isBlank())) {
            throw new BadParameterException("ids", "'ids' holds an empty id: give each incident's id.");
        }
        String retryId = UUID.randomUUID().toString();
        List<String> retried = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        List<Incident> incidents = new ArrayList<>();
        if (byIds) {
            for (String id : request.ids()) {
                Incident incident = runtime.createIncidentQuery().incidentId(id).singleResult();
                if (incident == null) {
                    notFound.add(id);
                } else {
                    incidents.add(incident);
                }
            }
        } else {
            incidents.addAll(matching(request.filter()));
        }
        for (Incident incident : incidents) {
            retry(incident, retryId, user.getName());
            retried.add(incident.getId());
            log.info("{} retried incident {} ({}) of journey instance {} (retry {})", user.getName(), incident.getId(),
                    incident.getIncidentType(), incident.getProcessInstanceId(), retryId);
        }
        return new RetryAnswer(retryId, retried, notFound);
    }

    /** What became of each job of a retry, read from the engine now. */
    @GetMapping("/retries/{retryId}")
    public RetryOutcome retryOutcome(@PathVariable String retryId) {
        List<RetryJobs.RetriedJob> jobs = retries.of(retryId);
        if (jobs.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No retry with id '" + retryId + "'.");
        }
        List<RetriedJobOutcome> outcomes = jobs.stream().map(this::outcome).toList();
        Map<String, Long> counts = new LinkedHashMap<>();
        Stream.of("PENDING", "SUCCEEDED", "FAILED", "GONE").forEach(outcome -> counts.put(outcome, 0L));
        outcomes.forEach(outcome -> counts.merge(outcome.outcome(), 1L, Long::sum));
        return new RetryOutcome(retryId, jobs.get(0).by(), jobs.get(0).at(), counts, outcomes);
    }

    @GetMapping("/failed-messages")
    public List<FailedMessage> failedMessages() {
        Map<String, Incident> incidentByStep = new LinkedHashMap<>();
        runtime.createIncidentQuery().list().forEach(i -> incidentByStep.put(i.getProcessInstanceId() + ":" + i.getActivityId(), i));
        return deliveries.undelivered().stream()
                .map(m -> {
                    Incident incident = incidentByStep.get(m.idempotencyKey());
                    boolean incidentIsNewer = incident != null && incident.getIncidentTimestamp().toInstant().isAfter(m.updatedAt());
                    return new FailedMessage(m.idempotencyKey(), m.customerId(), m.channel(), m.template(), m.recipient(), m.reason(),
                            m.updatedAt(), incident == null ? null : incident.getId(), incident == null ? null : incident.getIncidentMessage(),
                            incidentIsNewer ? incident.getIncidentMessage() : m.reason());
                })
                .limit(500).toList();
    }

    /** The open incidents of a filter, newest first; journey, step and type are asked of the engine, the cause is matched here. */
    private List<Incident> matching(Filter filter) {
        IncidentQuery query = runtime.createIncidentQuery();
        if (present(filter.journey())) {
            query.processDefinitionKeyIn(filter.journey().strip());
        }
        if (present(filter.step())) {
            query.activityId(filter.step().strip());
        }
        if (present(filter.type())) {
            query.incidentType(filter.type().strip());
        }
        List<Incident> incidents = query.orderByIncidentTimestamp().desc().list();
        if (!present(filter.cause())) {
            return incidents;
        }
        String wanted = filter.cause().strip().toLowerCase(Locale.ROOT);
        return incidents.stream().filter(incident -> causeOf(incident).toLowerCase(Locale.ROOT).contains(wanted)
                || String.valueOf(incident.getIncidentMessage()).toLowerCase(Locale.ROOT).contains(wanted)).toList();
    }

    private void retry(Incident incident, String retryId, String user) {
        String jobId;
        if (isJob(incident)) {
            jobId = incident.getConfiguration();
            management.setJobRetries(jobId, 1);
            management.setJobDuedate(jobId, Date.from(clock.now()));
        } else if (Incident.EXTERNAL_TASK_HANDLER_TYPE.equals(incident.getIncidentType())) {
            jobId = EXTERNAL_TASK + incident.getConfiguration();
            externalTasks.setRetries(incident.getConfiguration(), 1);
        } else {
            throw new ResponseStatusException(HttpStatus.CONFLICT,
                    "Incident " + incident.getId() + " is of type " + incident.getIncidentType() + ", which cannot be retried here.");
        }
        retries.record(new RetryJobs.RetriedJob(retryId, jobId, incident.getId(), incident.getProcessInstanceId(), journeyOf(incident),
                incident.getActivityId(), incident.getIncidentMessage(), user, clock.now()));
    }

    /**
     * PENDING: the job is due and has its try left; FAILED: it used the try (the new reason); SUCCEEDED: it ran and is
     * gone; GONE: it is gone because its run was cancelled or deleted.
     */
    private RetriedJobOutcome outcome(RetryJobs.RetriedJob retried) {
        String outcome;
        String reason = null;
        if (retried.jobId().startsWith(EXTERNAL_TASK)) {
            ExternalTask task = externalTasks.createExternalTaskQuery().externalTaskId(retried.jobId().substring(EXTERNAL_TASK.length())).singleResult();
            outcome = task == null ? endOf(retried) : task.getRetries() != null && task.getRetries() == 0 ? "FAILED" : "PENDING";
            reason = task == null ? null : task.getErrorMessage();
        } else {
            Job job = management.createJobQuery().jobId(retried.jobId()).singleResult();
            outcome = job == null ? endOf(retried) : job.getRetries() == 0 ? "FAILED" : "PENDING";
            reason = job == null || job.getRetries() > 0 ? null : job.getExceptionMessage();
        }
        return new RetriedJobOutcome(retried.incidentId(), retried.jobId(), retried.journey(), retried.step(), retried.runId(), outcome,
                reason, retried.previousReason());
    }

    /** A job that is gone ran to its end (SUCCEEDED), unless its run was deleted meanwhile (GONE). */
    private String endOf(RetryJobs.RetriedJob retried) {
        if (retried.runId() == null) {
            return "SUCCEEDED";
        }
        HistoricProcessInstance run = history.createHistoricProcessInstanceQuery().processInstanceId(retried.runId()).singleResult();
        boolean deleted = run == null || HistoricProcessInstance.STATE_EXTERNALLY_TERMINATED.equals(run.getState());
        return deleted ? "GONE" : "SUCCEEDED";
    }

    private Incident find(String id) {
        Incident incident = runtime.createIncidentQuery().incidentId(id).singleResult();
        if (incident == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No open incident with id '" + id + "' (it may have been resolved).");
        }
        return incident;
    }

    /** The incident's message with what differs between runs (ids, numbers, addresses) blanked out as "…". */
    static String causeOf(Incident incident) {
        return incident.getIncidentMessage() == null ? incident.getIncidentType() : VARYING.matcher(incident.getIncidentMessage()).replaceAll("…");
    }

    private static String journeyOf(Incident incident) {
        return incident.getProcessDefinitionId() == null ? null : incident.getProcessDefinitionId().split(":")[0];
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static boolean isJob(Incident incident) {
        return Incident.FAILED_JOB_HANDLER_TYPE.equals(incident.getIncidentType());
    }

    private IncidentView view(Incident incident) {
        ProcessInstance instance = incident.getProcessInstanceId() == null ? null
                : runtime.createProcessInstanceQuery().processInstanceId(incident.getProcessInstanceId()).singleResult();
        String customerId = instance == null ? null : instance.getBusinessKey();
        String jobId = null;
        if (isJob(incident)) {
            Job job = management.createJobQuery().jobId(incident.getConfiguration()).singleResult();
            jobId = job == null ? null : job.getId();
            if (customerId == null && job != null) {
                customerId = eventSteps.customerOf(job).orElse(null); // a journey the customer's event could not start
            }
        }
        return new IncidentView(incident.getId(), incident.getIncidentType(), incident.getIncidentMessage(), causeOf(incident),
                incident.getIncidentTimestamp().toInstant(), journeyOf(incident), incident.getActivityId(), incident.getProcessInstanceId(),
                customerId, jobId);
    }
}
