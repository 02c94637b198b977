package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.interceptor.CommandExecutor;
import org.camunda.bpm.engine.impl.jobexecutor.JobHandler;
import org.camunda.bpm.engine.impl.jobexecutor.JobHandlerConfiguration;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.MessageEntity;
import org.camunda.bpm.engine.runtime.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.touchpoint.events.CustomerEvent;
import io.touchpoint.events.EventHistory;

/**
 * What an event could not do to one journey at intake ({@link JourneyDispatcher.Step}: a start whose first steps
 * fail, a continue, a goal) is done again in a Camunda job of its own: retried like any step, then an incident that
 * names the journey and the reason, which the operator retries once the journey is fixed. The job holds only the
 * step and the event id; the event is read again from its record ({@link EventHistory}: an erased customer's step does
 * nothing). The job of a continue belongs to that run, so its incident shows on the customer's journey.
 */
@Component
public class JourneyRetries extends AbstractProcessEnginePlugin implements JobHandler<JourneyRetries.Retry> {

    private static final Logger log = LoggerFactory.getLogger(JourneyRetries.class);

    /** The Camunda job handler type of these jobs. */
    public static final String TYPE = "touchpoint-event-step";

    private final ObjectProvider<JourneyDispatcher> dispatcher;
    private final ObjectProvider<JourneyTriggers> triggers;
    private final EventHistory events;
    private final ObjectMapper json;
    private CommandExecutor commands;

    JourneyRetries(ObjectProvider<JourneyDispatcher> dispatcher, ObjectProvider<JourneyTriggers> triggers, EventHistory events, ObjectMapper json) {
        this.dispatcher = dispatcher;
        this.triggers = triggers;
        this.events = events;
        this.json = json;
    }

    /** One step of one event, as the job keeps it: {@code step eventId}. */
    public record Retry(JourneyDispatcher.Step step, String eventId) implements JobHandlerConfiguration {
        @Override
        public String toCanonicalString() {
            return step + " " + eventId;
        }

        static Retry parse(String text) {
            int space = text.indexOf(' ');
            return new Retry(JourneyDispatcher.Step.parse(text.substring(0, space)), text.substring(space + 1));
        }
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        List<JobHandler> handlers = configuration.getCustomJobHandlers() == null ? new ArrayList<>() : new ArrayList<>(configuration.getCustomJobHandlers());
        handlers.add(this);
        configuration.setCustomJobHandlers(handlers);
    }

    @Override
    public void postInit(ProcessEngineConfigurationImpl configuration) {
        this.commands = configuration.getCommandExecutorTxRequired();
    }

    /** Hands a step that failed at intake to a job, in the intake's transaction (its savepoint was rolled back). */
    void schedule(CustomerEvent event, JourneyDispatcher.Step step, RuntimeException failure) {
        log.warn("TP-JOURNEY-001 Event {} ({}) could not {}: {}; it goes on in a job (retried, then an incident)", event.eventId(), event.type(),
                step, rootMessage(failure));
        commands.execute(context -> {
            MessageEntity job = new MessageEntity();
            job.setJobHandlerType(TYPE);
            job.setJobHandlerConfiguration(new Retry(step, event.eventId()));
            job.setRetries(context.getProcessEngineConfiguration().getDefaultNumberOfRetries());
            String instance = step.processInstanceId();
            ExecutionEntity run = instance == null ? null : context.getExecutionManager().findExecutionById(instance);
            if (run != null) {
                job.setExecution(run);
            } else {
                String definitionId = step.definitionId();
                job.setProcessDefinitionId(definitionId);
                job.setProcessDefinitionKey(definitionId == null ? null : triggers.getObject().definitionKey(definitionId));
            }
            context.getJobManager().send(job);
            return null;
        });
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    public void execute(Retry retry, ExecutionEntity execution, CommandContext commandContext, String tenantId) {
        Optional<String> payload = events.payload(retry.eventId());
        if (payload.isEmpty()) {
            log.info("Event {} is no longer recorded (its customer was erased); its step {} is dropped", retry.eventId(), retry.step());
            return;
        }
        CustomerEvent event;
        try {
            event = json.readValue(payload.get(), CustomerEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + retry.eventId() + " cannot be read back: " + e.getOriginalMessage(), e);
        }
        try {
            dispatcher.getObject().run(event, retry.step());
        } catch (OptimisticLockingException conflict) {
            throw conflict; // the engine retries these as they are
        } catch (RuntimeException failed) {
            String journey = retry.step().definitionId() == null ? "the date waits" : "journey " + retry.step().definitionId().split(":")[0];
            throw new JourneyStepFailedException(journey + " could not take event " + retry.eventId() + " (" + event.type() + "): "
                    + rootMessage(failed), failed);
        }
    }

    /**
     * The ids of the retry jobs whose event is no longer recorded (its customer was erased): their step would do
     * nothing, and their configuration and incident name the event. Plain SQL on the engine's job table, in the
     * caller's transaction; these jobs are few.
     */
    List<String> orphans(JdbcTemplate jdbc) {
        List<String> orphans = new ArrayList<>();
        jdbc.query("select ID_, HANDLER_CFG_ from ACT_RU_JOB where HANDLER_TYPE_ = ?", row -> {
            if (events.payload(Retry.parse(row.getString(2)).eventId()).isEmpty()) {
                orphans.add(row.getString(1));
            }
        }, TYPE);
        return orphans;
    }

    /** The customer whose event a job of this kind is about, while the event is recorded. */
    public Optional<String> customerOf(Job job) {
        if (!(job instanceof JobEntity entity) || !TYPE.equals(entity.getJobHandlerType())) {
            return Optional.empty();
        }
        return events.customerOf(Retry.parse(entity.getJobHandlerConfigurationRaw()).eventId());
    }

    /** A step of an event that failed again in its job: the message names the journey, the event and the reason. */
    static class JourneyStepFailedException extends RuntimeException {
        JourneyStepFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public Retry newConfiguration(String canonicalString) {
        return Retry.parse(canonicalString);
    }

    @Override
    public void onDelete(Retry configuration, JobEntity jobEntity) {
        // nothing kept beside the job
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
