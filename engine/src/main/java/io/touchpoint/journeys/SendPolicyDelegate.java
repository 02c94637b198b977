package io.touchpoint.journeys;

import java.util.Date;
import java.util.List;
import java.util.function.Function;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionService;

/**
 * "Decide send time", the step {@link JourneyBlockCompiler} puts before every "Send message" task: asks the shared
 * sending policy (eligibility, consented and reachable channel, frequency caps, quiet hours) for the step's channel
 * and category and stores, per send step, the channel to use (null: send nothing), the allowed send time and
 * whether that is later than now. When it is later, the journey waits on a timer until then, then sends.
 */
@Component("sendPolicyDelegate")
public class SendPolicyDelegate implements JavaDelegate {

    /** Local input of the compiled step: the id of the send task it decides for. */
    static final String SEND_STEP = "sendStep";

    private final Function<DecisionRequest, Decision> decisions;

    @Autowired
    SendPolicyDelegate(DecisionService decisions) {
        this(decisions::decide);
    }

    /** For process tests: any way of answering a request. */
    public SendPolicyDelegate(Function<DecisionRequest, Decision> decisions) {
        this.decisions = decisions;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String step = (String) execution.getVariableLocal(SEND_STEP);
        String channel = (String) execution.getVariableLocal("channel");
        DecisionRequest request = DecideWithRulesDelegate.requestFor(DecisionRequest.SEND_MESSAGE, execution)
                .withSendingPolicy()
                .category((String) execution.getVariableLocal("category"))
                .channels(SendMessageDelegate.BEST.equals(channel) ? DecisionRequest.ALL_CHANNELS : List.of(channel));
        Decision decision = decisions.apply(request);
        boolean sends = decision.isEligible() && decision.getChannel() != null;
        execution.setVariable(channelVariable(step), sends ? decision.getChannel() : null);
        execution.setVariable(sendAtVariable(step), sends ? Date.from(decision.getSendAt()) : null);
        execution.setVariable(laterVariable(step), sends && decision.isDeferred());
    }

    /** The channel the policy chose for a send step; null when nothing is to be sent. */
    static String channelVariable(String sendStep) {
        return "sendChannel_" + sendStep;
    }

    /** When the send step may send (a date); the wait timer's due date. */
    static String sendAtVariable(String sendStep) {
        return "sendAt_" + sendStep;
    }

    /** Whether the send step has to wait for its send time. */
    static String laterVariable(String sendStep) {
        return "sendLater_" + sendStep;
    }
}
