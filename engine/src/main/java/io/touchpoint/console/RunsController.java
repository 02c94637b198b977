package io.touchpoint.console;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The drill-down: the runs waiting at a journey's step, one run in full, and an operator's cancel or move of a run. */
@RestController
public class RunsController {

    private static final int MAX_REASON = 500;

    /** Why an operator cancels a run. */
    public record CancelRequest(String reason) {
    }

    /** Where an operator moves a run, and why. */
    public record MoveRequest(String toStep, String reason) {
    }

    private final Runs runs;
    private final JourneyStatistics journeys;

    RunsController(Runs runs, JourneyStatistics journeys) {
        this.runs = runs;
        this.journeys = journeys;
    }

    @GetMapping("/api/console/journeys/{key}/steps/{stepId}/runs")
    public Page<Runs.WaitingRun> waiting(@PathVariable String key, @PathVariable String stepId,
                                         @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") int offset) {
        Page.check(limit, offset);
        if (!journeys.isDeployed(key)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No journey with key '" + key + "' is deployed.");
        }
        return runs.waitingAt(key, stepId, limit, offset);
    }

    @GetMapping("/api/console/runs/{runId}")
    public Runs.RunDetail run(@PathVariable String runId) {
        return runs.run(runId);
    }

    @PostMapping("/api/console/runs/{runId}/cancel")
    public RunActions.Action cancel(@PathVariable String runId, @RequestBody(required = false) CancelRequest request, Authentication user) {
        return runs.cancel(runId, reason(request == null ? null : request.reason()), user.getName());
    }

    @PostMapping("/api/console/runs/{runId}/move")
    public RunActions.Action move(@PathVariable String runId, @RequestBody(required = false) MoveRequest request, Authentication user) {
        String toStep = request == null || request.toStep() == null ? "" : request.toStep().strip();
        if (toStep.isEmpty()) {
            throw new BadParameterException("toStep", "Give the step to move the run to in 'toStep'.");
        }
        return runs.move(runId, toStep, reason(request.reason()), user.getName());
    }

    private static String reason(String reason) {
        String given = reason == null ? "" : reason.strip();
        if (given.isEmpty()) {
            throw new BadParameterException("reason", "Say why in 'reason': it is recorded with the run.");
        }
        if (given.length() > MAX_REASON) {
            throw new BadParameterException("reason", "'reason' is longer than " + MAX_REASON + " characters");
        }
        return given;
    }
}
