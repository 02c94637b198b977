package io.touchpoint.journeys;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.MessageCorrelationBuilderImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.runtime.Execution;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.MessageCorrelationBuilder;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.bpm.engine.variable.value.ObjectValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.decisions.OfferRewards;
import io.touchpoint.events.CustomerEvent;
import io.touchpoint.events.EventDispatch;

/**
 * Starts and continues journeys for an event: the message name is the event type, the business key the
 * customer id. In this order: old-shape goals end the journeys they convert; waiting journeys continue (message
 * catch events, goals as event sub-processes and "Wait for event" tasks whose correlation value matches; of a keyed
 * journey only the run of the event's key); "Wait until date" timers are re-planned when the event changed their
 * date; journeys start if their settings allow re-entry, or a keyed run of the same key is updated.
 */
@Service
public class JourneyDispatcher implements EventDispatch {

    private static final Logger log = LoggerFactory.getLogger(JourneyDispatcher.class);

    /** Process variables the engine sets: who the journey is for and the event that started or moved it. */
    public static final String CUSTOMER_ID = "customerId";
    public static final String TRIGGER = "trigger";
    public static final String LAST_EVENT = "lastEvent";
    /** The value of the journey's instance key property (e.g. the bookingRef) of a keyed run. */
    public static final String INSTANCE_KEY = "instanceKey";
    /** What {@link #TRIGGER} and {@link #LAST_EVENT} read back as: a map of the event's fields. */
    static final String EVENT_TYPE_NAME = "java.util.LinkedHashMap"; // a class name: see PlainJsonTypes

    private final RuntimeService runtime;
    private final ManagementService management;
    private final JourneyTriggers triggers;
    private final JourneyRecords records;
    private final DateWaitPlanner dateWaits;
    private final ObjectMapper json;
    private final Clock clock;
    private final CommandExecutor commands;
    private final JdbcTemplate jdbc;
    private final String journeysOfCustomer;
    private final TransactionTemplate savepoint;
    private final JourneyRetries retries;
    private final JourneyMetrics metrics;
    private final RunWaits runWaits;
    private final OfferRewards rewards;

    JourneyDispatcher(RuntimeService runtime, ManagementService management, ProcessEngineConfigurationImpl engine, JdbcTemplate jdbc,
                      JourneyTriggers triggers, JourneyRecords records, DateWaitPlanner dateWaits, ObjectMapper json, Clock clock,
                      PlatformTransactionManager transactions, JourneyRetries retries, JourneyMetrics metrics,
                      RunWaits runWaits, OfferRewards rewards) {
        this.runWaits = runWaits;
        this.rewards = rewards;
        this.runtime = runtime;
        this.management = management;
        this.triggers = triggers;
        this.records = records;
        this.dateWaits = dateWaits;
        this.json = json;
        this.clock = clock;
        this.commands = engine.getCommandExecutorTxRequired();
        this.jdbc = jdbc;
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.retries = retries;
        this.metrics = metrics;
        this.journeysOfCustomer = "select ID_, PROC_DEF_ID_ from " + management.getTableName(ProcessInstance.class)
                + " where BUSINESS_KEY_ = ? and PARENT_ID_ is null";
    }

    /**
     * Runs work that dispatches events as one Camunda command, in the caller's transaction: what the journeys
     * write is flushed once, at the end, instead of once per start. Until then the engine's queries do not see it,
     * so the work must not dispatch two events of one customer.
     */
    @Override
    public void together(Runnable work) {
        commands.execute(context -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs inside the caller's transaction, after the event has been applied to the profile. Each journey the event
     * reaches is one {@link Step}; outside a shared command each runs in a savepoint of its own, so a step that fails
     * (a condition naming a variable that is not there, a date that cannot be read) takes back only what it did: the
     * event, the profile change and the other journeys go in, and the step is handed to {@link JourneyRetries}
     * (a job: retried, then an incident naming the journey and the reason). Inside {@link #together} a failure fails
     * the whole command, and the caller takes the events again one by one.
     */
    @Override
    public void dispatch(CustomerEvent event) {
        rewards.eventArrived(event.customerId(), event.type(), event.occurredAt()); // a conversion credits the learned offers
        for (JourneyTriggers.Goal goal : triggers.goals(event.type())) {
            guarded(event, Step.goal(goal.definitionId(), goal.activityId()), () -> reachGoal(goal, event));
        }
        if (triggers.awaited(event.type())) {
            waitingRuns(event).forEach((instance, waits) ->
                    guarded(event, Step.continueRun(instance, waits.get(0).definitionId()), () -> continueRun(event, waits)));
        }
        for (JourneyTriggers.EventWait wait : triggers.eventWaits(event.type())) {
            guarded(event, Step.eventWait(wait.definitionId(), wait.activityId()), () -> continueEventWait(wait, event));
        }
        if (changesWatchedDates(event)) {
            guarded(event, Step.DATES, () -> replanDateWaits(event));
        }
        triggers.startedBy(event.type()).stream()
                .sorted(Comparator.comparingInt((JourneyTriggers.StartTarget t) -> t.settings().priority()).reversed())
                .forEach(target -> guarded(event, Step.start(target.definitionKey(), target.definitionId()), () -> start(target, event)));
    }

    /**
     * What an event does to one journey: reach an old-shape goal, continue a waiting run, continue the runs waiting
     * in a "Wait for event" task, re-plan the customer's date waits, or start a journey (by key: the version
     * deployed when it runs). Kept by {@link JourneyRetries} as {@code kind:target}.
     */
    public record Step(String kind, String target) {
        static final Step DATES = new Step("dates", "");

        static Step goal(String definitionId, String activityId) {
            return new Step("goal", definitionId + "#" + activityId);
        }

        static Step continueRun(String processInstanceId, String definitionId) {
            return new Step("continue", processInstanceId + "#" + definitionId);
        }

        static Step eventWait(String definitionId, String activityId) {
            return new Step("eventWait", definitionId + "#" + activityId);
        }

        /** By key: a retry starts the version deployed when it runs; the id is the version the event met. */
        static Step start(String definitionKey, String definitionId) {
            return new Step("start", definitionKey + "#" + definitionId);
        }

        /** The run this step continues, if it is one run's. */
        String processInstanceId() {
            return kind.equals("continue") ? first() : null;
        }

        /** The journey version this step concerns; null for re-planning dates (any journey of the customer). */
        String definitionId() {
            return switch (kind) {
                case "continue", "start" -> second();
                case "goal", "eventWait" -> first();
                default -> null;
            };
        }

        @Override
        public String toString() {
            return kind + (target.isEmpty() ? "" : ":" + target);
        }

        static Step parse(String text) {
            int colon = text.indexOf(':');
            return colon < 0 ? new Step(text, "") : new Step(text.substring(0, colon), text.substring(colon + 1));
        }

        private String first() {
            return target.substring(0, target.indexOf('#'));
        }

        private String second() {
            return target.substring(target.indexOf('#') + 1);
        }
    }

    /** Does the step's work; outside a shared command in a savepoint, a failure handed to {@link JourneyRetries} as {@code step}. */
    private void guarded(CustomerEvent event, Step step, Runnable work) {
        if (Context.getCommandContext() != null) {
            work.run(); // one command shares its writes until it ends: nothing to take back halfway
            return;
        }
        int mark = runWaits.mark();
        try {
            savepoint.executeWithoutResult(status -> work.run());
        } catch (RuntimeException failed) {
            runWaits.rollbackTo(mark); // what the step's engine commands changed of the waits was rolled back with them
            retries.schedule(event, step, failed);
        }
    }

    /**
     * Does one step of an event again in a retry job, finding its journey, run or wait anew (the intake's own try
     * had them at hand, see {@link #dispatch}).
     */
    void run(CustomerEvent event, Step step) {
        switch (step.kind()) {
            case "goal" -> triggers.goals(event.type()).stream()
                    .filter(goal -> goal.definitionId().equals(step.first()) && goal.activityId().equals(step.second()))
                    .forEach(goal -> reachGoal(goal, event));
            case "continue" -> {
                List<RunWaits.Wait> waits = waitingRuns(event).get(step.first());
                if (waits != null) {
                    continueRun(event, waits);
                }
            }
            case "eventWait" -> triggers.eventWaits(event.type()).stream()
                    .filter(wait -> wait.definitionId().equals(step.first()) && wait.activityId().equals(step.second()))
                    .forEach(wait -> continueEventWait(wait, event));
            case "dates" -> replanDateWaits(event);
            case "start" -> triggers.startedBy(event.type()).stream()
                    .filter(target -> target.definitionKey().equals(step.first()))
                    .forEach(target -> start(target, event));
            default -> throw new IllegalArgumentException("unknown journey step " + step);
        }
    }

    private void reachGoal(JourneyTriggers.Goal goal, CustomerEvent event) {
        for (ProcessInstance instance : runtime.createProcessInstanceQuery().processDefinitionId(goal.definitionId())
                .processInstanceBusinessKey(event.customerId()).list()) {
            if (!hasKeyOf(instance.getId(), goal.definitionId(), event)) {
                continue;
            }
            GoalReached.endAt(runtime, instance.getId(), goal.activityId());
            records.recordGoal(instance.getId(), event.customerId(), goal.definitionKey(), goal.activityId(), event.type(), event.eventId());
            metrics.counted(goal.definitionKey(), JourneyMetrics.GOAL);
            log.debug("Event {} ({}) is the goal of journey {}: instance {} ended at {}",
                    event.eventId(), event.type(), goal.definitionKey(), instance.getId(), goal.activityId());
        }
    }

    /**
     * Message catch events, receive tasks with a message and goals (message start events of event sub-processes):
     * the customer's runs that have a subscription for the event type, by run, as {@link RunWaits} knows them.
     */
    private Map<String, List<RunWaits.Wait>> waitingRuns(CustomerEvent event) {
        Map<String, List<RunWaits.Wait>> waitsOfRun = new LinkedHashMap<>();
        for (RunWaits.Wait wait : runWaits.of(event.customerId())) {
            if (wait.eventType().equals(event.type())) {
                waitsOfRun.computeIfAbsent(wait.processInstanceId(), run -> new ArrayList<>()).add(wait);
            }
        }
        return waitsOfRun;
    }

    /**
     * Continues one waiting run with the event, unless the run is keyed and the event has another key: straight at
     * the execution that waits, or, when the run waits for the event at several places, every one of them.
     */
    private void continueRun(CustomerEvent event, List<RunWaits.Wait> waits) {
        RunWaits.Wait wait = waits.get(0);
        JourneySettings settings = triggers.settings(wait.definitionId());
        if (settings.keyed() && !Objects.equals(settings.instanceKeyOf(event.properties()), wait.instanceKey())) {
            log.debug("Event {} ({}) has another key than instance {}; it stays", event.eventId(), event.type(), wait.processInstanceId());
            return;
        }
        if (waits.size() == 1) {
            runtime.messageEventReceived(event.type(), wait.executionId(), Map.of(LAST_EVENT, asVariable(event)));
        } else { // executions only: a correlation by name would also start every journey with a message start of that name
            ((MessageCorrelationBuilderImpl) runtime.createMessageCorrelation(event.type())).executionsOnly()
                    .processInstanceId(wait.processInstanceId())
                    .setVariable(LAST_EVENT, asVariable(event))
                    .correlateAllWithResult();
        }
        metrics.counted(triggers.definitionKey(wait.definitionId()), JourneyMetrics.CONTINUED);
        log.debug("Event {} ({}) continued journey instance {}", event.eventId(), event.type(), wait.processInstanceId());
        dateWaits.eventArrived(event.customerId(), wait.processInstanceId());
    }

    private void continueEventWait(JourneyTriggers.EventWait wait, CustomerEvent event) {
        List<Execution> waiting = runtime.createExecutionQuery().processDefinitionId(wait.definitionId())
                .processInstanceBusinessKey(event.customerId()).activityId(wait.activityId()).list();
        for (Execution execution : waiting) {
            if (wait.correlationProperty() != null && !correlates(execution, wait.correlationProperty(), event)) {
                log.debug("Event {} ({}) has another {} than instance {} waits for; it stays", event.eventId(), event.type(),
                        wait.correlationProperty(), execution.getProcessInstanceId());
                continue;
            }
            runtime.signal(execution.getId(), Map.of(LAST_EVENT, asVariable(event)));
            metrics.counted(triggers.definitionKey(wait.definitionId()), JourneyMetrics.CONTINUED);
            log.debug("Event {} ({}) continued journey instance {} at {}", event.eventId(), event.type(),
                    execution.getProcessInstanceId(), wait.activityId());
            dateWaits.eventArrived(event.customerId(), execution.getProcessInstanceId());
        }
    }

    /** The expected value is the process variable of that name, else the property of the event that started the journey. */
    @SuppressWarnings("unchecked")
    private boolean correlates(Execution execution, String property, CustomerEvent event) {
        Object expected = runtime.getVariable(execution.getId(), property);
        if (expected == null && runtime.getVariable(execution.getId(), TRIGGER) instanceof Map<?, ?> trigger
                && trigger.get("properties") instanceof Map<?, ?> properties) {
            expected = ((Map<String, Object>) properties).get(property);
        }
        return expected != null && Objects.equals(String.valueOf(expected), String.valueOf(event.properties().get(property)));
    }

    /** Whether the event's traits change a profile attribute a "Wait until date" reads. */
    @SuppressWarnings("unchecked")
    private boolean changesWatchedDates(CustomerEvent event) {
        return event.properties().get("traits") instanceof Map<?, ?> traits && triggers.watchesAnyOf(new HashSet<>((Set<String>) traits.keySet()));
    }

    /** The event's traits changed the profile: the customer's waits on those attributes are re-planned. */
    @SuppressWarnings("unchecked")
    private void replanDateWaits(CustomerEvent event) {
        if (changesWatchedDates(event)) {
            dateWaits.attributesChanged(event.customerId(), (Set<String>) ((Map<String, Object>) event.properties().get("traits")).keySet());
        }
    }

    /**
     * Re-plans the "Wait until date" timers of one running journey after it was given new event data ({@code trigger}
     * or {@code lastEvent}), say by the same start event again for a keyed journey. In the caller's transaction.
     */
    public void replanDateWaits(String customerId, String processInstanceId) {
        dateWaits.replan(customerId, processInstanceId);
    }

    /**
     * Starts the journey unless its settings refuse the customer (and key). The place of a customer (and key) in a
     * journey that allows one run at a time is taken by a row in journey_active, inserted in this transaction: of
     * two events that race, on one node or two, one starts the run and the other starts nothing (or, keyed,
     * updates the run the first one started).
     */
    private void start(JourneyTriggers.StartTarget target, CustomerEvent event) {
        JourneySettings settings = target.settings();
        String instanceKey = settings.instanceKeyOf(event.properties());
        if (settings.keyed() && instanceKey == null) {
            log.debug("Event {} ({}) has no {}, the instance key of journey {}; it starts nothing", event.eventId(), event.type(),
                    settings.instanceKey(), target.definitionKey());
            return;
        }
        String place = instanceKey == null ? JourneyRecords.NO_KEY : instanceKey;
        if (settings.keyed() && updateRun(target, event, place)) {
            return;
        }
        // asked only where it matters: a journey that lets a customer in any number of times never asks the tables
        boolean active = settings.oneAtATime() && !settings.keyed() && activeJourneys(event.customerId()).contains(target.definitionKey());
        Instant lastEntry = settings.reentry() == JourneySettings.Reentry.NEVER || settings.reentry() == JourneySettings.Reentry.COOL_DOWN
                ? records.lastEntry(event.customerId(), target.definitionKey(), instanceKey).orElse(null) : null;
        if (!settings.allowsEntry(lastEntry, active, clock.instant())) {
            log.debug("Event {} starts nothing: its customer may not enter journey {} now (re-entry {}, active {}, last entry {})",
                    event.eventId(), target.definitionKey(), settings.reentry(), active, lastEntry);
            return;
        }
        if (settings.oneAtATime() && !records.claimRun(target.definitionKey(), event.customerId(), place)) {
            if (!settings.keyed() || !updateRun(target, event, place)) {
                log.debug("Event {} starts nothing: its customer is already in journey {} (another event started it at the same time)",
                        event.eventId(), target.definitionKey());
            }
            return;
        }
        MessageCorrelationBuilder correlation = runtime.createMessageCorrelation(event.type())
                .processDefinitionId(target.definitionId())
                .processInstanceBusinessKey(event.customerId())
                .setVariable(CUSTOMER_ID, event.customerId())
                .setVariable(TRIGGER, asVariable(event));
        if (instanceKey != null) {
            correlation.setVariable(INSTANCE_KEY, instanceKey);
        }
        String instance = correlation.correlateStartMessage().getId();
        if (settings.oneAtATime()) {
            records.bindRun(target.definitionKey(), event.customerId(), place, instance);
        }
        records.recordEntry(instance, event.customerId(), target.definitionKey(), target.definitionId(), instanceKey);
        metrics.counted(target.definitionKey(), JourneyMetrics.STARTED);
        log.debug("Event {} ({}) started journey {}: instance {}{}", event.eventId(), event.type(), target.definitionKey(),
                instance, instanceKey == null ? "" : ", key " + instanceKey);
    }

    /**
     * The same start event again with the same key: the run of that key gets the new event as {@code trigger} and
     * its date waits are re-planned. False when no run of that key is active.
     */
    private boolean updateRun(JourneyTriggers.StartTarget target, CustomerEvent event, String instanceKey) {
        Optional<String> run = records.lockActiveRun(target.definitionKey(), event.customerId(), instanceKey);
        if (run.isEmpty()) {
            return false;
        }
        runtime.setVariable(run.get(), TRIGGER, asVariable(event));
        replanRun(run.get());
        log.debug("Event {} ({}) updated journey {}: instance {}", event.eventId(), event.type(), target.definitionKey(), run.get());
        return true;
    }

    /**
     * A run's trigger changed, so every timer of the run is worked out again from its definition (a date from the
     * trigger or the profile moves; a duration keeps counting from when the wait began).
     */
    private void replanRun(String processInstanceId) {
        for (Job timer : management.createJobQuery().processInstanceId(processInstanceId).timers().list()) {
            management.recalculateJobDuedate(timer.getId(), true);
        }
    }

    /** Whether a run may take an event: always for an unkeyed journey, else when the event carries the run's key. */
    private boolean hasKeyOf(String processInstanceId, String definitionId, CustomerEvent event) {
        JourneySettings settings = triggers.settings(definitionId);
        if (!settings.keyed()) {
            return true;
        }
        String key = settings.instanceKeyOf(event.properties());
        return key != null && key.equals(runtime.getVariable(processInstanceId, INSTANCE_KEY));
    }

    /**
     * The keys of the journeys a customer is in (not counting runs that ended in this transaction but that the
     * engine has not written yet). Plain SQL on the engine's table, in the same transaction: a query
     * through the engine costs a command of its own, and the process instance query builds its SQL through MyBatis
     * expressions; both cost more CPU than the start of a journey itself.
     */
    private Set<String> activeJourneys(String customerId) {
        Set<String> ended = records.endedInThisTransaction(false);
        return jdbc.query(journeysOfCustomer, (row, n) -> ended.contains(row.getString(1)) ? null : row.getString(2), customerId).stream()
                .filter(Objects::nonNull)
                .map(triggers::definitionKey)
                .collect(Collectors.toSet());
    }

    /**
     * The event as a JSON object variable, serialized here once: Camunda stores it as it is and does not compare it
     * again at the end of the command, which it does for a value it serialized itself.
     */
    private ObjectValue asVariable(CustomerEvent event) {
        try {
            return Variables.serializedObjectValue(json.writeValueAsString(event)).serializationDataFormat(Variables.SerializationDataFormats.JSON)
                    .objectTypeName(EVENT_TYPE_NAME).create();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + event.eventId() + " cannot be written as JSON", e);
        }
    }
}
