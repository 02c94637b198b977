package io.touchpoint.journeys;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.calendar.DurationHelper;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionService;
import io.touchpoint.decisions.SendTimes;

/**
 * "Decide send time", the step {@link JourneyBlockCompiler} puts before every "Send message" task: asks the shared
 * sending policy (eligibility, consented and reachable channel, frequency caps, quiet hours) for the step's channel
 * and category and stores, per send step, the channel to use (null: send nothing), the allowed send time and
 * whether that is later than now. When it is later, the journey waits on a timer until then, then sends. A step
 * whose {@code sendTime} is {@code bestTime} starts from the customer's best time within its {@code sendWindow}
 * ({@link SendTimes}); caps and quiet hours still apply from there.
 */
@Component("sendPolicyDelegate")
public class SendPolicyDelegate implements JavaDelegate {

    /** Local input of the compiled step: the id of the send task it decides for. */
    static final String SEND_STEP = "sendStep";
    /** The Send message inputs of send-time optimisation: {@code sendTime} ({@code now} or {@code bestTime}) and its window. */
    static final String SEND_TIME = "sendTime";
    static final String SEND_WINDOW = "sendWindow";
    static final String BEST_TIME = "bestTime";
    static final Set<String> SEND_TIMES = Set.of("now", BEST_TIME);
    static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    private final Function<DecisionRequest, Decision> decisions;
    private final SendTimes sendTimes;

    @Autowired
    SendPolicyDelegate(DecisionService decisions, SendTimes sendTimes) {
        this.decisions = decisions::decide;
        this.sendTimes = sendTimes;
    }

    /** For process tests: any way of answering a request (no send-time optimisation). */
    public SendPolicyDelegate(Function<DecisionRequest, Decision> decisions) {
        this.decisions = decisions;
        this.sendTimes = null;
    }

    /**
     * The window of a step that sends at the customer's best time, null for one that sends now: read from the step's
     * inputs at deployment (a bad value refuses it) and when the step runs. Throws {@link BlockSettings.Invalid}.
     */
    static Duration bestTimeWindow(Map<String, String> inputs) {
        if (BlockSettings.optional(inputs, SEND_TIME) == null || !BEST_TIME.equals(BlockSettings.oneOf(inputs, SEND_TIME, SEND_TIMES))) {
            return null;
        }
        if (BlockSettings.optional(inputs, SEND_WINDOW) == null) {
            return DEFAULT_WINDOW;
        }
        Date from = new Date(0);
        String window = BlockSettings.timerDuration(inputs, SEND_WINDOW);
        Duration length;
        try {
            length = Duration.ofMillis(new DurationHelper(window, from).getDateAfter(from).getTime());
        } catch (Exception checkedAbove) {
            throw new BlockSettings.Invalid("'" + SEND_WINDOW + "' is '" + window + "', not a duration such as PT24H");
        }
        if (length.compareTo(Duration.ofDays(7)) > 0) {
            throw new BlockSettings.Invalid("'" + SEND_WINDOW + "' is '" + window + "'; a send window is at most 7 days (P7D)");
        }
        return length;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String step = (String) execution.getVariableLocal(SEND_STEP);
        String channel = (String) execution.getVariableLocal("channel");
        DecisionRequest request = DecideWithRulesDelegate.requestFor(DecisionRequest.SEND_MESSAGE, execution)
                .withSendingPolicy()
                .category((String) execution.getVariableLocal("category"))
                .channels(SendMessageDelegate.BEST.equals(channel) ? DecisionRequest.ALL_CHANNELS : List.of(channel));
        Duration window = bestTimeWindow(localInputs(execution));
        if (window != null && sendTimes != null) {
            Instant now = ClockUtil.getCurrentTime().toInstant();
            request.notBefore(sendTimes.bestTime((String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID), now, window));
        }
        Decision decision = decisions.apply(request);
        boolean sends = decision.isEligible() && decision.getChannel() != null;
        execution.setVariable(channelVariable(step), sends ? decision.getChannel() : null);
        execution.setVariable(sendAtVariable(step), sends ? Date.from(decision.getSendAt()) : null);
        execution.setVariable(laterVariable(step), sends && decision.isDeferred());
    }

    private static Map<String, String> localInputs(DelegateExecution execution) {
        Map<String, String> inputs = new java.util.HashMap<>();
        for (String name : List.of(SEND_TIME, SEND_WINDOW)) {
            if (execution.getVariableLocal(name) != null) {
                inputs.put(name, String.valueOf(execution.getVariableLocal(name)));
            }
        }
        return inputs;
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
