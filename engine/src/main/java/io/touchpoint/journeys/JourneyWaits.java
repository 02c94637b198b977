package io.touchpoint.journeys;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Named waits that journeys use in timer expressions, for example {@code ${waits.get('abandoned-cart')}},
 * set in {@code touchpoint.journeys.waits} so an operator can shorten or lengthen them without editing BPMN.
 */
@Component("waits")
@ConfigurationProperties(prefix = "touchpoint.journeys")
public class JourneyWaits {

    private Map<String, Duration> waits = new HashMap<>();

    public Map<String, Duration> getWaits() {
        return waits;
    }

    public void setWaits(Map<String, Duration> waits) {
        this.waits = waits;
    }

    /** The ISO-8601 duration of a named wait, as a BPMN timer expects it. */
    public String get(String name) {
        Duration wait = waits.get(name);
        if (wait == null) {
            throw new IllegalArgumentException("no wait named '" + name + "' in touchpoint.journeys.waits; known: " + waits.keySet());
        }
        return wait.toString();
    }
}
