package io.touchpoint.journeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The A/B split block: assigns a customer to a variant or the holdout, the same one every time for the same
 * customer and journey (a hash of customer id and journey key), and records the assignment. Called by the
 * execution listener that {@link JourneyBlockCompiler} puts on the split gateway, as bean {@code journeySplits}.
 */
public class JourneySplits {

    private static final Logger log = LoggerFactory.getLogger(JourneySplits.class);

    /** Where assignments are recorded. */
    @FunctionalInterface
    public interface Recorder {
        void record(String customerId, String journeyKey, String splitId, String variant);
    }

    private final Recorder recorder;

    public JourneySplits(Recorder recorder) {
        this.recorder = recorder;
    }

    /** The process variable holding the variant chosen at a split gateway. */
    public static String variable(String splitId) {
        return "split_" + splitId;
    }

    /** Chooses, records and stores the variant; {@code spec} is "A:50,B:50", {@code holdout} a percentage. */
    public String assign(DelegateExecution execution, String spec, int holdout) {
        String customerId = (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID);
        String journeyKey = execution.getProcessDefinitionId().split(":")[0];
        String variant = variantOf(customerId, journeyKey, parse(spec), holdout);
        execution.setVariable(variable(execution.getCurrentActivityId()), variant);
        recorder.record(customerId, journeyKey, execution.getCurrentActivityId(), variant);
        log.info("Journey instance {} is in variant {} of split {} in journey {}", execution.getProcessInstanceId(), variant, execution.getCurrentActivityId(), journeyKey);
        return variant;
    }

    /** Pure and stable: the first {@code holdout}% of the hash range is the holdout, the rest is split by weight. */
    public static String variantOf(String customerId, String journeyKey, Map<String, Integer> weights, int holdout) {
        double point = bucket(customerId + "|" + journeyKey);
        if (point < holdout / 100.0) {
            return BlockSettings.HOLDOUT;
        }
        double share = (point - holdout / 100.0) / (1 - holdout / 100.0);
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        double reached = 0;
        String last = null;
        for (Map.Entry<String, Integer> weight : weights.entrySet()) {
            reached += (double) weight.getValue() / total;
            last = weight.getKey();
            if (share < reached) {
                return last;
            }
        }
        return last;
    }

    static Map<String, Integer> parse(String spec) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] pair = part.split(":");
            weights.put(pair[0].trim(), Integer.parseInt(pair[1].trim()));
        }
        return weights;
    }

    /** A point in [0, 1) from the SHA-256 of the key. */
    private static double bucket(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = 0; i < 6; i++) {
                value = (value << 8) | (hash[i] & 0xff);
            }
            return value / (double) (1L << 48);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
