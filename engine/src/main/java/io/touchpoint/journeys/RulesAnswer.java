package io.touchpoint.journeys;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the rules answered to a {@link RulesQuestion}: result variables and the rule that decided. */
public class RulesAnswer {

    private final Map<String, Object> results = new LinkedHashMap<>();
    private String rule;

    /** Called by a rule: sets a result variable and remembers the rule's name. */
    public void set(String rule, String variable, Object value) {
        this.rule = rule;
        results.put(variable, value);
    }

    public Map<String, Object> results() {
        return results;
    }

    public String rule() {
        return rule;
    }
}
