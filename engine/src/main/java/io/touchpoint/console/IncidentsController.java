package io.touchpoint.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Incident;
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
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.touchpoint.channels.DeliveryReports;
import io.touchpoint.journeys.JourneyRetries;

/**
 * What failed and its retry: Camunda incidents (a journey step that ran out of retries) and failed messages in
 * the delivery log. A retry gives the failed job one more try, due now; the job executor runs it.
 */
@RestController
@RequestMapping("/api/console")
public class IncidentsController {

    private static final Logger log = LoggerFactory.getLogger(IncidentsController.class);

    /** An incident as the console lists it. */
    public record IncidentView(String id, String type, String message, Instant at, String journey, String activityId,
                               String processInstanceId, String customerId, String jobId) {
    }

    /** A message whose last try failed, and the incident that holds its step, if the retries are used up. */
    public record FailedMessage(String idempotencyKey, String customerId, String channel, String template,
                                String recipient, String reason, Instant at, String incidentId) {
    }

    /** Which incident or message ids to retry. */
    public record RetryRequest(List<String> ids) {
    }

    private final RuntimeService runtime;
    private final ManagementService management;
    private final ExternalTaskService externalTasks;
    private final DeliveryReports deliveries;
    private final ConsoleClock clock;
    private final JourneyRetries eventSteps;

    IncidentsController(RuntimeService runtime, ManagementService management, ExternalTaskService externalTasks,
                        DeliveryReports deliveries, ConsoleClock clock, JourneyRetries eventSteps) {
        this.eventSteps = eventSteps;
        this.runtime = runtime;
        this.management = management;
        this.externalTasks = externalTasks;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    @GetMapping("/incidents")
    public List<IncidentView> incidents() {
        return runtime.createIncidentQuery().orderByIncidentTimestamp().desc().listPage(0, 500).stream().map(this::view).toList();
    }

    @GetMapping("/incidents/{id}")
    public Map<String, Object> incident(@PathVariable String id) {
        Incident incident = find(id);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("incident", view(incident));
        detail.put("stacktrace", isJob(incident) ? management.getJobExceptionStacktrace(incident.getConfiguration()) : null);
        return detail;
    }

    /** Retries incidents by id; answers which were retried and which were not found (already resolved). */
    @PostMapping("/incidents/retry")
    public Map<String, List<String>> retry(@RequestBody RetryRequest request, Authentication user) {
        if (request == null || request.ids() == null || request.ids().isEmpty()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Give the incident ids to retry in 'ids'.");
        }
        if (request.ids().stream().anyMatch(id -> id == null || id.isBlank())) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "'ids' holds an empty id: give each incident's id.");
        }
        List<String> retried = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        for (String id : request.ids()) {
            Incident incident = runtime.createIncidentQuery().incidentId(id).singleResult();
            if (incident == null) {
                notFound.add(id);
                continue;
            }
            retry(incident);
            retried.add(id);
            log.info("{} retried incident {} ({}) of journey instance {}", user.getName(), id, incident.getIncidentType(), incident.getProcessInstanceId());
        }
        return Map.of("retried", retried, "notFound", notFound);
    }

    @GetMapping("/failed-messages")
    public List<FailedMessage> failedMessages() {
        Map<String, String> incidentByStep = new LinkedHashMap<>();
        runtime.createIncidentQuery().list().forEach(i -> incidentByStep.put(i.getProcessInstanceId() + ":" + i.getActivityId(), i.getId()));
        return deliveries.undelivered().stream()
                .map(m -> new FailedMessage(m.idempotencyKey(), m.customerId(), m.channel(), m.template(), m.recipient(), m.reason(),
                        m.updatedAt(), incidentByStep.get(m.idempotencyKey())))
                .limit(500).toList();
    }

    private void retry(Incident incident) {
        if (isJob(incident)) {
            management.setJobRetries(incident.getConfiguration(), 1);
            management.setJobDuedate(incident.getConfiguration(), Date.from(clock.now()));
        } else if (Incident.EXTERNAL_TASK_HANDLER_TYPE.equals(incident.getIncidentType())) {
            externalTasks.setRetries(incident.getConfiguration(), 1);
        } else {
            throw new ResponseStatusException(HttpStatus.CONFLICT,
                    "Incident " + incident.getId() + " is of type " + incident.getIncidentType() + ", which cannot be retried here.");
        }
    }

    private Incident find(String id) {
        Incident incident = runtime.createIncidentQuery().incidentId(id).singleResult();
        if (incident == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No open incident with id '" + id + "' (it may have been resolved).");
        }
        return incident;
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
        return new IncidentView(incident.getId(), incident.getIncidentType(), incident.getIncidentMessage(),
                incident.getIncidentTimestamp().toInstant(),
                incident.getProcessDefinitionId() == null ? null : incident.getProcessDefinitionId().split(":")[0],
                incident.getActivityId(), incident.getProcessInstanceId(), customerId, jobId);
    }
}
