package io.touchpoint.journeys;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.CustomerRuns;

/**
 * A customer's journeys as a whole: moved to another customer id when profiles merge, their date waits re-planned
 * when the profile changes outside an event, terminated and wiped from the engine's history when the customer is
 * erased. Runs inside the caller's transaction.
 */
@Component
public class CustomerJourneys implements CustomerRuns {

    private static final Logger log = LoggerFactory.getLogger(CustomerJourneys.class);

    private final RuntimeService runtime;
    private final HistoryService history;
    private final CommandExecutor commands;
    private final DateWaitPlanner dateWaits;
    private final JdbcTemplate jdbc;
    private final JourneyRecords records;
    private final JourneyRetries retries;
    private final ManagementService management;
    private final RunWaits waits;

    CustomerJourneys(ProcessEngine engine, JdbcTemplate jdbc, DateWaitPlanner dateWaits, JourneyRecords records, JourneyRetries retries,
                     RunWaits waits) {
        this.waits = waits;
        this.jdbc = jdbc;
        this.retries = retries;
        this.management = engine.getManagementService();
        this.dateWaits = dateWaits;
        this.records = records;
        this.runtime = engine.getRuntimeService();
        this.history = engine.getHistoryService();
        this.commands = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getCommandExecutorTxRequired();
    }

    /** Running journeys of one customer continue under another: new business key, new customerId variable. */
    @Override
    public int move(String fromCustomerId, String toCustomerId) {
        List<ProcessInstance> running = runtime.createProcessInstanceQuery().processInstanceBusinessKey(fromCustomerId).list();
        for (ProcessInstance instance : running) {
            changeBusinessKey(instance.getId(), fromCustomerId, toCustomerId);
            runtime.setVariable(instance.getId(), JourneyDispatcher.CUSTOMER_ID, toCustomerId);
            log.info("Journey instance {} continues under the customer its customer was merged into", instance.getId());
        }
        records.moveRuns(fromCustomerId, toCustomerId);
        return running.size();
    }

    /** The customer's profile changed these attributes outside an event (an operator's edit, a merge): date waits on them are re-planned. */
    @Override
    public void attributesChanged(CustomerProfile profile, Collection<String> attributes) {
        dateWaits.attributesChanged(profile, attributes);
    }

        /**
     * Terminates the customers' running journeys and deletes every journey of theirs from the history, with the byte
     * arrays of their variables ({@code trigger}, {@code lastEvent}: the events with email and phone), which the
     * engine does not always delete with their variable rows.
     */
    @Override
    public Erased erase(Collection<String> customerIds) {
        int terminated = 0;
        int removed = 0;
        for (String customerId : customerIds) {
            List<String> running = instancesOf(customerId, runtime.createProcessInstanceQuery().processInstanceBusinessKey(customerId).list()
                    .stream().map(ProcessInstance::getId), "ACT_RU_VARIABLE");
            List<String> historic = instancesOf(customerId, history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customerId).list()
                    .stream().map(HistoricProcessInstance::getId), "ACT_HI_VARINST");
            Set<String> byteArrays = variableByteArrays(running, historic);
            if (!running.isEmpty()) {
                runtime.deleteProcessInstances(running, "customer erased", true, true);
                terminated += running.size();
            }
            if (!historic.isEmpty()) {
                history.deleteHistoricProcessInstances(historic);
                removed += historic.size();
            }
            byteArrays.forEach(id -> jdbc.update("delete from ACT_GE_BYTEARRAY where ID_ = ?", id));
        }
        deleteOrphanedEvents(customerIds);
        retries.orphans(jdbc).forEach(management::deleteJob); // the steps of the erased events that had failed at intake
        log.info("Erased the journeys of {} customer id(s): {} terminated, {} removed from history", customerIds.size(), terminated, removed);
        return new Erased(terminated, removed);
    }

    /**
     * The engine leaves the byte array of a variable behind when a message correlation sets it and ends the instance
     * in one command ({@code lastEvent} of an event that ends a journey): no row refers to it, so it is found among the
     * unreferenced {@code trigger}/{@code lastEvent} byte arrays by the customer id in its JSON, and deleted.
     */
    private void deleteOrphanedEvents(Collection<String> customerIds) {
        List<String> names = customerIds.stream().map(id -> "\"customerId\":\"" + id + "\"").toList();
        List<String> orphans = new ArrayList<>();
        jdbc.query("select b.ID_, b.BYTES_ from ACT_GE_BYTEARRAY b where b.DEPLOYMENT_ID_ is null and b.NAME_ in (?, ?)"
                + " and not exists (select 1 from ACT_RU_VARIABLE v where v.BYTEARRAY_ID_ = b.ID_)"
                + " and not exists (select 1 from ACT_HI_VARINST h where h.BYTEARRAY_ID_ = b.ID_)"
                + " and not exists (select 1 from ACT_HI_DETAIL d where d.BYTEARRAY_ID_ = b.ID_)", row -> {
            String json = new String(row.getBytes(2), StandardCharsets.UTF_8);
            if (names.stream().anyMatch(json::contains)) {
                orphans.add(row.getString(1));
            }
        }, JourneyDispatcher.TRIGGER, JourneyDispatcher.LAST_EVENT);
        orphans.forEach(id -> jdbc.update("delete from ACT_GE_BYTEARRAY where ID_ = ?", id));
    }

    /**
     * The instances of the business key, and any other whose {@code customerId} variable names the customer or whose
     * {@code trigger}/{@code lastEvent} is one of the customer's events (a scan of those variables: erasure is rare).
     */
    private List<String> instancesOf(String customerId, java.util.stream.Stream<String> byBusinessKey, String variables) {
        Set<String> instances = new LinkedHashSet<>(byBusinessKey.toList());
        instances.addAll(jdbc.queryForList("select PROC_INST_ID_ from " + variables + " where NAME_ = ? and TEXT_ = ? and PROC_INST_ID_ is not null",
                String.class, JourneyDispatcher.CUSTOMER_ID, customerId));
        String named = "\"customerId\":\"" + customerId + "\"";
        jdbc.query("select v.PROC_INST_ID_, b.BYTES_ from " + variables + " v join ACT_GE_BYTEARRAY b on b.ID_ = v.BYTEARRAY_ID_"
                + " where v.NAME_ in (?, ?) and v.PROC_INST_ID_ is not null", row -> {
            if (new String(row.getBytes(2), StandardCharsets.UTF_8).contains(named)) {
                instances.add(row.getString(1)); // a run that holds the customer's event (trigger, lastEvent)
            }
        }, JourneyDispatcher.TRIGGER, JourneyDispatcher.LAST_EVENT);
        return List.copyOf(instances);
    }

    /** The byte arrays that hold variable values of these process instances, at run time and in the history. */
    private Set<String> variableByteArrays(List<String> running, List<String> historic) {
        Set<String> instances = new LinkedHashSet<>(running);
        instances.addAll(historic);
        Set<String> byteArrays = new LinkedHashSet<>();
        for (String instance : instances) {
            for (String table : List.of("ACT_RU_VARIABLE", "ACT_HI_VARINST", "ACT_HI_DETAIL")) {
                byteArrays.addAll(jdbc.queryForList("select BYTEARRAY_ID_ from " + table + " where PROC_INST_ID_ = ? and BYTEARRAY_ID_ is not null",
                        String.class, instance));
            }
        }
        return byteArrays;
    }

    /** Camunda 7 has no public call for this; the engine's own setter also records the change in the history. */
    private void changeBusinessKey(String processInstanceId, String fromCustomerId, String businessKey) {
        commands.execute(context -> {
            ExecutionEntity instance = context.getExecutionManager().findExecutionById(processInstanceId);
            instance.setProcessBusinessKey(businessKey);
            // the run's waits move: written again under the new key, gone from the old one
            waits.changed(SubscriptionWatch.rewriteWaitsOf(context, processInstanceId).stream()
                    .map(subscription -> new RunWaits.Change(fromCustomerId, subscription, null)).toList());
            return null;
        });
    }
}
