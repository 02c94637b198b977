package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.management.ActivityStatistics;
import org.camunda.bpm.engine.migration.MigrationInstruction;
import org.camunda.bpm.engine.migration.MigrationPlan;
import org.camunda.bpm.engine.migration.MigrationPlanValidationException;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Moves customers who are in one version of a journey onto another with a Camunda migration plan that maps
 * equal activities: first it checks the plan and reports the waiting steps that cannot be mapped (and how
 * many customers wait there), then it migrates the instances in batches and reports each batch.
 */
@Service
public class JourneyMigrations {

    private static final Logger log = LoggerFactory.getLogger(JourneyMigrations.class);

    /** The outcome of a check or a migration. */
    public record Report(String journey, int fromVersion, int toVersion, boolean valid, Map<String, Long> unmappable,
                         List<String> planErrors, long instances, long migrated, List<String> failures, boolean applied) {
    }

    private final RepositoryService repository;
    private final RuntimeService runtime;
    private final ManagementService management;

    private final CommandExecutor commands;

    JourneyMigrations(RepositoryService repository, RuntimeService runtime, ManagementService management, ProcessEngineConfigurationImpl engine) {
        this.commands = engine.getCommandExecutorTxRequired();
        this.repository = repository;
        this.runtime = runtime;
        this.management = management;
    }

    /** Validates, and when {@code apply} and valid, migrates in batches of {@code batchSize}. */
    public Report migrate(String journeyKey, int fromVersion, int toVersion, boolean apply, int batchSize) {
        ProcessDefinition source = definition(journeyKey, fromVersion);
        ProcessDefinition target = definition(journeyKey, toVersion);
        List<String> instances = runtime.createProcessInstanceQuery().processDefinitionId(source.getId()).list()
                .stream().map(ProcessInstance::getId).toList();
        MigrationPlan plan;
        try {
            plan = runtime.createMigrationPlan(source.getId(), target.getId()).mapEqualActivities().updateEventTriggers().build();
        } catch (MigrationPlanValidationException e) {
            List<String> errors = e.getValidationReport().getInstructionReports().stream()
                    .flatMap(r -> r.getFailures().stream().map(f -> r.getMigrationInstruction().getSourceActivityId() + ": " + f)).toList();
            return new Report(journeyKey, fromVersion, toVersion, false, Map.of(), errors, instances.size(), 0, List.of(), false);
        }
        Map<String, Long> unmappable = unmappable(source.getId(), plan);
        boolean valid = unmappable.isEmpty();
        if (!apply || !valid) {
            return new Report(journeyKey, fromVersion, toVersion, valid, unmappable, List.of(), instances.size(), 0, List.of(), false);
        }
        long migrated = 0;
        List<String> failures = new ArrayList<>();
        for (int from = 0; from < instances.size(); from += batchSize) {
            List<String> batch = instances.subList(from, Math.min(instances.size(), from + batchSize));
            try {
                runtime.newMigration(plan).processInstanceIds(batch).execute();
                commands.execute(context -> { // a migrated run waits in the new version; Camunda rewrites only the subscriptions it changed
                    batch.forEach(run -> SubscriptionWatch.rewriteWaitsOf(context, run));
                    return null;
                });
                migrated += batch.size();
                log.info("Journey {}: migrated {} instance(s) from v{} to v{}", journeyKey, batch.size(), fromVersion, toVersion);
            } catch (RuntimeException e) {
                failures.add("batch " + (from / batchSize + 1) + ": " + e.getMessage());
                log.warn("TP-JOURNEY-004 Journey {}: batch {} not migrated: {}", journeyKey, from / batchSize + 1, e.getMessage());
            }
        }
        return new Report(journeyKey, fromVersion, toVersion, true, Map.of(), List.of(), instances.size(), migrated, failures, true);
    }

    /** Activities where customers are now and that the plan does not map, with how many instances are there. */
    private Map<String, Long> unmappable(String sourceDefinitionId, MigrationPlan plan) {
        Set<String> mapped = new HashSet<>();
        for (MigrationInstruction instruction : plan.getInstructions()) {
            mapped.add(instruction.getSourceActivityId());
        }
        Map<String, Long> unmappable = new TreeMap<>();
        for (ActivityStatistics statistics : management.createActivityStatisticsQuery(sourceDefinitionId).list()) {
            if (!mapped.contains(statistics.getId()) && statistics.getInstances() > 0) {
                unmappable.put(statistics.getId(), (long) statistics.getInstances());
            }
        }
        return unmappable;
    }

    private ProcessDefinition definition(String key, int version) {
        ProcessDefinition definition = repository.createProcessDefinitionQuery().processDefinitionKey(key).processDefinitionVersion(version).singleResult();
        if (definition == null) {
            throw new IllegalArgumentException("journey '" + key + "' has no version " + version);
        }
        return definition;
    }
}
