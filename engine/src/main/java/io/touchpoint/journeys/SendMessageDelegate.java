package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.List;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * PLACEHOLDER for the "Send message" template until the channels service (issue 6) provides the real
 * {@code sendMessageDelegate}: sends nothing, only logs and appends "step:channel:template:category" to the
 * process variable {@code messagesSent}, so journeys and their tests can run.
 */
@Component("sendMessageDelegate")
public class SendMessageDelegate implements JavaDelegate {

    private static final Logger log = LoggerFactory.getLogger(SendMessageDelegate.class);
    public static final String MESSAGES_SENT = "messagesSent";

    @Override
    @SuppressWarnings("unchecked")
    public void execute(DelegateExecution execution) {
        String record = String.join(":", execution.getCurrentActivityId(), (String) execution.getVariableLocal("channel"),
                (String) execution.getVariableLocal("template"), (String) execution.getVariableLocal("category"));
        List<String> sent = new ArrayList<>();
        if (execution.getVariable(MESSAGES_SENT) instanceof List<?> earlier) {
            sent.addAll((List<String>) earlier);
        }
        sent.add(record);
        execution.setVariable(MESSAGES_SENT, sent);
        log.info("Placeholder send for customer {}: {} (nothing is delivered until the channels service is wired)",
                execution.getVariable(JourneyDispatcher.CUSTOMER_ID), record);
    }
}
