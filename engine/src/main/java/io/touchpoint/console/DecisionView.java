package io.touchpoint.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.touchpoint.decisions.DecisionLog;

/**
 * A decision of the decision log as the console shows it: which decision, in which run and step, its outcome,
 * offer, channel and send-at time, the reasons and rules that fired, and the facts the rules saw.
 */
public record DecisionView(long id, String decisionName, String journey, String runId, String step, String outcome,
                           boolean eligible, String offerCode, String channel, Instant sendAt, List<String> reasons,
                           List<String> firedRules, Map<String, Object> facts, Instant decidedAt) {

    static DecisionView of(DecisionLog.Entry entry) {
        return new DecisionView(entry.id(), entry.decisionName(), entry.journey(), entry.journeyInstance(), entry.step(),
                entry.outcome().name(), entry.eligible(), entry.offerCode(), entry.channel(), entry.sendAt(), entry.reasons(),
                entry.firedRules(), entry.inputs(), entry.decidedAt());
    }

    /** The line of the customer's timeline: "journey: decision → offer by channel", then send-at, reasons and rules. */
    TimelineEntry timelineEntry() {
        String what = outcome.equals("DECIDED") ? (eligible ? "→ " + (offerCode == null ? "no offer" : offerCode)
                + (channel == null ? "" : " by " + channel) : "→ not eligible") : "→ no decision";
        StringBuilder detail = new StringBuilder();
        if (sendAt != null) {
            detail.append("Send at ").append(sendAt).append(" · ");
        }
        detail.append("reasons: ").append(reasons.isEmpty() ? "none" : String.join("; ", reasons));
        detail.append(" · rules: ").append(firedRules.isEmpty() ? "none fired" : String.join("; ", firedRules));
        return new TimelineEntry(decidedAt, "decision", (journey == null ? "" : journey + ": ") + decisionName + " " + what, detail.toString());
    }
}
