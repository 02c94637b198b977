package io.touchpoint.journeys;

import java.util.Collection;
import java.util.List;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A customer's journeys as a whole: moved to another customer id when profiles merge, terminated and wiped from
 * the engine's history when the customer is erased. Runs inside the caller's transaction.
 */
@Component
public class CustomerJourneys {

    private static final Logger log = LoggerFactory.getLogger(CustomerJourneys.class);

    /** What an erasure removed from the engine. */
    public record Erased(int terminated, int historyRemoved) {
    }

    private final RuntimeService runtime;
    private final HistoryService history;
    private final CommandExecutor commands;
    private final JourneyRecords records;

    CustomerJourneys(ProcessEngine engine, JourneyRecords records) {
        this.records = records;
        this.runtime = engine.getRuntimeService();
        this.history = engine.getHistoryService();
        this.commands = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getCommandExecutorTxRequired();
    }

    /** Running journeys of one customer continue under another: new business key, new customerId variable. */
    public int move(String fromCustomerId, String toCustomerId) {
        List<ProcessInstance> running = runtime.createProcessInstanceQuery().processInstanceBusinessKey(fromCustomerId).list();
        for (ProcessInstance instance : running) {
            changeBusinessKey(instance.getId(), toCustomerId);
            runtime.setVariable(instance.getId(), JourneyDispatcher.CUSTOMER_ID, toCustomerId);
            log.info("Journey instance {} of customer {} continues under customer {}", instance.getId(), fromCustomerId, toCustomerId);
        }
        records.moveRuns(fromCustomerId, toCustomerId);
        return running.size();
    }

    /** Terminates the customers' running journeys and deletes every journey of theirs from the history. */
    public Erased erase(Collection<String> customerIds) {
        int terminated = 0;
        int removed = 0;
        for (String customerId : customerIds) {
            List<String> running = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customerId).list()
                    .stream().map(ProcessInstance::getId).toList();
            if (!running.isEmpty()) {
                runtime.deleteProcessInstances(running, "customer erased", true, true);
                terminated += running.size();
            }
            List<String> historic = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customerId).list()
                    .stream().map(HistoricProcessInstance::getId).toList();
            if (!historic.isEmpty()) {
                history.deleteHistoricProcessInstances(historic);
                removed += historic.size();
            }
        }
        log.info("Erased the journeys of customer(s) {}: {} terminated, {} removed from history", customerIds, terminated, removed);
        return new Erased(terminated, removed);
    }

    /** Camunda 7 has no public call for this; the engine's own setter also records the change in the history. */
    private void changeBusinessKey(String processInstanceId, String businessKey) {
        commands.execute(context -> {
            ExecutionEntity instance = context.getExecutionManager().findExecutionById(processInstanceId);
            instance.setProcessBusinessKey(businessKey);
            return null;
        });
    }
}
