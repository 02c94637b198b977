package io.touchpoint.journeys;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cmd.DefaultJobRetryCmd;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.springframework.stereotype.Component;

import io.touchpoint.channels.MessageOutcomeUnknownException;

/**
 * A step whose message may already have been sent ({@link MessageOutcomeUnknownException}) becomes an incident at
 * once: a retry could only fail the same way, and the operator has to look at the provider first. Other failures
 * are retried as the step's retry cycle says.
 */
@Component
public class UnknownOutcomeIncidents extends AbstractProcessEnginePlugin {

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setFailedJobCommandFactory((jobId, failure) -> isOutcomeUnknown(failure) ? noMoreRetries(jobId, failure)
                : new DefaultJobRetryCmd(jobId, failure));
    }

    private static Command<Object> noMoreRetries(String jobId, Throwable failure) {
        return commandContext -> {
            new DefaultJobRetryCmd(jobId, failure).execute(commandContext); // records the failure as usual
            JobEntity job = commandContext.getJobManager().findJobById(jobId);
            if (job != null) {
                job.setRetries(0); // raises the incident
            }
            return null;
        };
    }

    private static boolean isOutcomeUnknown(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof MessageOutcomeUnknownException) {
                return true;
            }
        }
        return false;
    }
}
