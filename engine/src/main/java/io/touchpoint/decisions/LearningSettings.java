package io.touchpoint.decisions;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a "Decide with rules" step in learning mode chooses: the rules say which offers are eligible, Thompson sampling
 * chooses among them. Read from the step's inputs by {@link #of(Map)}, the one parser used when a journey is deployed
 * (a bad value refuses the deployment) and when the step runs.
 *
 * @param context           what the learning is kept per: {@code none}, {@code step} (the journey step),
 *                          {@code locale} (the customer's) or {@code segment} (the profile attribute {@code segment})
 * @param explorationFloor  the share of decisions (0 to 1) that choose uniformly among the eligible offers
 * @param holdout           the share of decisions (0 to 1) that get no offer, to measure the uplift against
 * @param conversionEvent   the event type that counts as a conversion
 * @param attributionWindow how long after the message a conversion still counts
 */
public record LearningSettings(String context, double explorationFloor, double holdout, String conversionEvent, Duration attributionWindow) {

    /** The step input that selects the mode: {@code rules} (default: the first offer of the rules) or {@code learning}. */
    public static final String MODE = "mode";
    public static final String LEARNING = "learning";
    public static final Set<String> MODES = Set.of("rules", LEARNING);
    public static final Set<String> CONTEXTS = Set.of("none", "step", "locale", "segment");
    public static final String DEFAULT_CONVERSION_EVENT = "order_placed";
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]+");

    /**
     * The learning settings of a step's inputs ({@code mode}, {@code learningContext}, {@code explorationFloor} and
     * {@code holdout} in whole percent, {@code conversionEvent}, {@code attributionWindow}); null in rules mode.
     * Throws {@link IllegalArgumentException} naming the input that is wrong.
     */
    public static LearningSettings of(Map<String, ?> inputs) {
        String mode = text(inputs, MODE, "rules");
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("'mode' is '" + mode + "', not one of [learning, rules]");
        }
        String context = text(inputs, "learningContext", "none");
        if (!CONTEXTS.contains(context)) {
            throw new IllegalArgumentException("'learningContext' is '" + context + "', not one of " + CONTEXTS.stream().sorted().toList());
        }
        double floor = percent(inputs, "explorationFloor", 5);
        double holdout = percent(inputs, "holdout", 0);
        if (floor + holdout > 1) {
            throw new IllegalArgumentException("'explorationFloor' and 'holdout' add up to more than 100%");
        }
        String conversion = text(inputs, "conversionEvent", DEFAULT_CONVERSION_EVENT);
        if (!EVENT_TYPE.matcher(conversion).matches()) {
            throw new IllegalArgumentException("'conversionEvent' is '" + conversion + "', not an event type");
        }
        String window = text(inputs, "attributionWindow", DEFAULT_WINDOW.toString());
        Duration attribution;
        try {
            attribution = Duration.parse(window); // P7D, PT48H, P1DT12H
        } catch (DateTimeParseException e) {
            attribution = Duration.ZERO;
        }
        if (attribution.isNegative() || attribution.isZero()) {
            throw new IllegalArgumentException("'attributionWindow' is '" + window + "', not a positive ISO-8601 duration such as P7D or PT48H");
        }
        return LEARNING.equals(mode) ? new LearningSettings(context, floor, holdout, conversion, attribution) : null;
    }

    private static String text(Map<String, ?> inputs, String name, String otherwise) {
        Object value = inputs.get(name);
        return value == null || value.toString().isBlank() ? otherwise : value.toString().trim();
    }

    private static double percent(Map<String, ?> inputs, String name, int otherwise) {
        String value = text(inputs, name, String.valueOf(otherwise));
        try {
            int percent = Integer.parseInt(value);
            if (percent >= 0 && percent <= 100) {
                return percent / 100.0;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("'" + name + "' is '" + value + "', not a whole percentage from 0 to 100");
    }
}
