package io.touchpoint.decisions;

/** What the offer rules chose, and the name of the rule that chose it (the reason). */
public class OfferDecision {

    private boolean eligible;
    private String offerCode;
    private String offerText;
    private String reason = "no rule matched";

    /** Called by a rule: make this offer. */
    public void offer(String rule, String code, String text) {
        this.eligible = true;
        this.offerCode = code;
        this.offerText = text;
        this.reason = rule;
    }

    /** Called by a rule: send nothing. */
    public void decline(String rule) {
        this.eligible = false;
        this.offerCode = null;
        this.offerText = null;
        this.reason = rule;
    }

    public boolean isEligible() {
        return eligible;
    }

    public String getOfferCode() {
        return offerCode;
    }

    public String getOfferText() {
        return offerText;
    }

    public String getReason() {
        return reason;
    }
}
