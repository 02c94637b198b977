package io.touchpoint.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.management.ActivityStatistics;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The console's journey list: each journey's latest version, customers in it now, and where they wait. */
@RestController
@RequestMapping("/api/console")
public class JourneyOverviewController {

    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final ManagementService management;
    private final HistoryService history;

    JourneyOverviewController(RepositoryService repository, RuntimeService runtime, ManagementService management, HistoryService history) {
        this.repository = repository;
        this.runtime = runtime;
        this.management = management;
        this.history = history;
    }

    @GetMapping("/journeys")
    public List<Map<String, Object>> journeys() {
        return repository.createProcessDefinitionQuery().latestVersion().orderByProcessDefinitionKey().asc().list().stream()
                .map(this::overview).toList();
    }

    private Map<String, Object> overview(ProcessDefinition definition) {
        Map<String, Object> waiting = new LinkedHashMap<>();
        for (ActivityStatistics step : management.createActivityStatisticsQuery(definition.getId()).includeIncidents().list()) {
            waiting.put(step.getId(), step.getInstances());
        }
        Map<String, Object> journey = new LinkedHashMap<>();
        journey.put("key", definition.getKey());
        journey.put("name", definition.getName());
        journey.put("version", definition.getVersion());
        journey.put("active", runtime.createProcessInstanceQuery().processDefinitionKey(definition.getKey()).count());
        journey.put("completed", history.createHistoricProcessInstanceQuery().processDefinitionKey(definition.getKey()).completed().count());
        journey.put("waitingAt", waiting);
        return journey;
    }
}
