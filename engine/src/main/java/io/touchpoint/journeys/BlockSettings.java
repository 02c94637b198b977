package io.touchpoint.journeys;

import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.camunda.bpm.engine.impl.calendar.DurationHelper;

/**
 * The names and checks of the journey building blocks that the element templates in
 * {@code workflows/element-templates/} write: camunda:property entries on events, gateways and the process,
 * camunda:inputParameter entries on service tasks. One place for the vocabulary, used at deployment
 * (validation) and at run time (dispatch).
 */
public final class BlockSettings {

    /** camunda:property naming the block an event or gateway is. */
    public static final String BLOCK = "touchpoint.block";
    /** "Wait until date"; {@link #WAIT_UNTIL_PROFILE_DATE} is its former name, still read (the profile as source). */
    public static final String WAIT_UNTIL_DATE = "waitUntilDate";
    public static final String WAIT_UNTIL_PROFILE_DATE = "waitUntilProfileDate";
    public static final String WAIT_FOR_EVENT = "waitForEvent";
    public static final String AB_SPLIT = "abSplit";
    public static final String GOAL = "goal";

    public static final String SEND_MESSAGE_DELEGATE = "${sendMessageDelegate}";
    public static final String DECIDE_WITH_RULES_DELEGATE = "${decideWithRulesDelegate}";
    public static final String UPDATE_PROFILE_DELEGATE = "${updateProfileDelegate}";

    public static final Set<String> CHANNELS = Set.of("email", "sms", "push", "webhook", "best");
    public static final Set<String> CATEGORIES = Set.of("marketing", "transactional");
    public static final String HOLDOUT = "holdout";

    /** The steps the engine adds in front of each Send message step {@code <id>}: {@code <id>} + each of these. */
    static final String DECIDE_SEND_TIME = "_DecideSendTime";
    static final String SEND_NOW = "_SendNow";
    static final String WAIT_UNTIL_SEND_ALLOWED = "_WaitUntilSendAllowed";

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]+");

    private BlockSettings() {
    }

    /**
     * The modelled step a step of the running journey belongs to: the Send message step for the steps the engine put
     * in front of it ({@code Send_Reminder_WaitUntilSendAllowed} → {@code Send_Reminder}), else the step itself. The
     * console counts a customer who waits out quiet hours at the Send message step the marketer drew.
     */
    public static String modelledStep(String activityId) {
        for (String suffix : List.of(DECIDE_SEND_TIME, SEND_NOW, WAIT_UNTIL_SEND_ALLOWED)) {
            if (activityId.endsWith(suffix)) {
                return activityId.substring(0, activityId.length() - suffix.length());
            }
        }
        return activityId;
    }

    /** The steps of the running journey that belong to a modelled step: itself and what the engine put in front of it. */
    public static List<String> runningSteps(String modelledStep) {
        return List.of(modelledStep, modelledStep + DECIDE_SEND_TIME, modelledStep + SEND_NOW, modelledStep + WAIT_UNTIL_SEND_ALLOWED);
    }

    /** Whether a block is the "Wait until date" block, under its current or its former name. */
    static boolean isDateWait(String block) {
        return WAIT_UNTIL_DATE.equals(block) || WAIT_UNTIL_PROFILE_DATE.equals(block);
    }

    /** The property of a block or a reason why it is missing or wrong. */
    static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message);
        }
    }

    static String required(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new Invalid("'" + name + "' is empty");
        }
        return value.trim();
    }

    static String optional(Map<String, String> values, String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    static String oneOf(Map<String, String> values, String name, Set<String> allowed) {
        String value = required(values, name);
        if (!allowed.contains(value)) {
            throw new Invalid("'" + name + "' is '" + value + "', not one of " + allowed.stream().sorted().toList());
        }
        return value;
    }

    /** An attribute or variable name: letters, digits and underscores, starting with a letter. */
    static String name(Map<String, String> values, String name) {
        String value = required(values, name);
        if (!NAME.matcher(value).matches()) {
            throw new Invalid("'" + name + "' is '" + value + "', not an attribute name (letters, digits, _; a letter first)");
        }
        return value;
    }

    static String eventType(Map<String, String> values, String name) {
        String value = required(values, name);
        if (!EVENT_TYPE.matcher(value).matches()) {
            throw new Invalid("'" + name + "' is '" + value + "', not an event type");
        }
        return value;
    }

    /** An ISO-8601 period or duration ("P7D", "-P21D", "PT36H"). */
    static String isoDuration(Map<String, String> values, String name) {
        String value = required(values, name);
        try {
            if (value.contains("T")) {
                Duration.parse(value);
            } else {
                Period.parse(value);
            }
            return value;
        } catch (DateTimeParseException e) {
            throw new Invalid("'" + name + "' is '" + value + "', not an ISO-8601 duration such as P7D, -P21D or PT12H");
        }
    }

    /**
     * An ISO-8601 duration of a BPMN timer ("PT36H", "P3D", "P2W"), checked by the engine's own parser, the one that
     * runs the timer, and positive.
     */
    static String timerDuration(Map<String, String> values, String name) {
        String value = required(values, name);
        Date from = new Date(0);
        try {
            if (new DurationHelper(value, from).getDateAfter(from).after(from)) {
                return value;
            }
        } catch (Exception notADuration) {
            // reported below
        }
        throw new Invalid("'" + name + "' is '" + value + "', not a positive ISO-8601 duration such as PT36H, P3D or P2W");
    }

    static int percent(Map<String, String> values, String name) {
        String value = optional(values, name);
        if (value == null) {
            return 0;
        }
        try {
            int percent = Integer.parseInt(value);
            if (percent >= 0 && percent <= 100) {
                return percent;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new Invalid("'" + name + "' is '" + value + "', not a whole percentage from 0 to 100");
    }

    /** "A:50, B:50" → {A=50, B=50}; weights are positive whole numbers. */
    static Map<String, Integer> weights(Map<String, String> values, String name) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (String part : required(values, name).split(",")) {
            String[] pair = part.trim().split(":");
            try {
                int weight = Integer.parseInt(pair[1].trim());
                if (pair.length == 2 && !pair[0].isBlank() && weight > 0 && !HOLDOUT.equals(pair[0].trim())) {
                    weights.put(pair[0].trim(), weight);
                    continue;
                }
            } catch (RuntimeException ignored) {
                // reported below
            }
            throw new Invalid("'" + name + "' has '" + part.trim() + "'; write variants as name:weight, e.g. A:50, B:50");
        }
        return weights;
    }

    /** Comma-separated variable names. */
    static List<String> names(Map<String, String> values, String name) {
        List<String> names = List.of(required(values, name).split("\\s*,\\s*"));
        for (String each : names) {
            name(Map.of(name, each), name);
        }
        return names;
    }
}
