package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import io.touchpoint.events.CustomerEvent;
import io.touchpoint.journeys.JourneyScenario.SentMessage;
import io.touchpoint.journeys.JourneyScenario.Time;

/**
 * Inside a journey sandbox process ({@code touchpoint.sandbox.enabled}): runs a {@link SandboxJob} against the one
 * journey deployed from the sandbox's {@code workflows/} folder — each scenario of a scenario file for a customer of
 * its own, or the backtest's events for all their customers together — with {@link JourneyReplay} on the virtual
 * clock, and answers the scenarios' differences or the backtest's report.
 */
@Component
@ConditionalOnProperty(name = "touchpoint.sandbox.enabled", havingValue = "true")
class SandboxRun {

    private final WorkflowDeployer deployer;
    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final HistoryService history;
    private final JourneyReplay replay;

    SandboxRun(WorkflowDeployer deployer, RepositoryService repository, RuntimeService runtime, HistoryService history, JourneyReplay replay) {
        this.deployer = deployer;
        this.repository = repository;
        this.runtime = runtime;
        this.history = history;
        this.replay = replay;
    }

    SandboxJob.Result run(SandboxJob job, IntConsumer progress) {
        if (!deployer.refused().isEmpty()) {
            return new SandboxJob.Result(deployer.refused().get(0).reason(), null, null, null, 0, 0);
        }
        ProcessDefinition journey = repository.createProcessDefinitionQuery().processDefinitionKey(job.journey()).latestVersion().singleResult();
        if (journey == null) {
            return new SandboxJob.Result("the file has no process with id '" + job.journey() + "'", null, null, null, 0, 0);
        }
        if (job.isBacktest()) {
            List<String> failures = replay.replay(journey.getId(), job.profiles(), job.events(), job.until(), progress);
            return new SandboxJob.Result(null, null, replay.report(journey.getId(), job.events().size(), failures), null, 0, 0);
        }
        List<SandboxJob.ScenarioResult> results = new ArrayList<>();
        List<JourneyScenario> scenarios = JourneyScenario.parse("scenario", job.scenarios());
        for (int i = 0; i < scenarios.size(); i++) {
            JourneyScenario scenario = scenarios.get(i);
            List<String> differences;
            try {
                differences = play(scenario, journey, "scenario-" + (i + 1));
            } catch (IllegalArgumentException unplayable) { // customer.variants the journey has no split for
                differences = List.of(unplayable.getMessage());
            }
            results.add(new SandboxJob.ScenarioResult(scenario.name(), differences.isEmpty(), differences));
            progress.accept(i + 1);
        }
        return new SandboxJob.Result(null, results, null, null, 0, 0);
    }

    /** Plays one scenario for a customer of its own and answers its differences (empty: it passed). */
    private List<String> play(JourneyScenario scenario, ProcessDefinition journey, String prefix) {
        String customer = scenario.customerId(prefix, repository.getBpmnModelInstance(journey.getId()));
        JourneyScenario.Customer who = scenario.customer();
        Map<String, Object> profile = new HashMap<>();
        profile.put("timeZone", who.timeZone().getId());
        profile.put("traits", who.traits());
        profile.put("consents", who.consents());
        Map<String, String> identities = new HashMap<>();
        identities.put("email", who.email() != null ? who.email() : customer + "@example.com");
        identities.put("phone", who.phone() != null ? who.phone() : "+4915100000000");
        List<CustomerEvent> events = scenario.events().stream().map(event -> new CustomerEvent(null, event.type(), customer, Map.of(),
                event.at().instant(scenario.start(), who.timeZone()), event.properties())).toList();
        List<String> failures = replay.replay(journey.getId(), List.of(new CustomerEvent(null, "profile_updated", customer, identities,
                null, profile)), events, scenario.endInstant(), done -> { });

        List<HistoricProcessInstance> runs = history.createHistoricProcessInstanceQuery().processDefinitionId(journey.getId())
                .processInstanceBusinessKey(customer).orderByProcessInstanceStartTime().asc().list();
        List<String> ends = runs.stream().filter(run -> run.getEndTime() != null).map(replay::endEvent).toList();
        List<String> waiting = runs.stream().filter(run -> run.getEndTime() == null)
                .flatMap(run -> runtime.getActiveActivityIds(run.getId()).stream()).toList();
        List<SentMessage> sent = replay.report(journey.getId(), events.size(), List.of()).messages().stream()
                .filter(message -> message.customerId().equals(customer))
                .map(message -> new SentMessage(Time.of(message.at(), scenario.start(), who.timeZone()), message.step(), message.channel(),
                        message.template(), message.content())).toList();
        runs.stream().filter(run -> run.getEndTime() == null).forEach(run -> runtime.deleteProcessInstance(run.getId(), "scenario played"));
        List<String> differences = new ArrayList<>(failures);
        differences.addAll(scenario.differences(sent, ends, waiting));
        return differences;
    }
}
