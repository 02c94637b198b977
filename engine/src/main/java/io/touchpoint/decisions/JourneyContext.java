package io.touchpoint.decisions;

/** Which journey asks: its key, instance and step (all optional for a decision asked outside a journey). */
public final class JourneyContext {

    public static final JourneyContext NONE = new JourneyContext(null, null, null);

    private final String journey;
    private final String instanceId;
    private final String step;

    public JourneyContext(String journey, String instanceId, String step) {
        this.journey = journey;
        this.instanceId = instanceId;
        this.step = step;
    }

    public String getJourney() {
        return journey;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public String getStep() {
        return step;
    }
}
