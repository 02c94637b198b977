package io.touchpoint.journeys;

import java.util.Map;

/** The fact the placeholder "Decide with rules" step gives the rules: the decision asked, the customer's attributes. */
public record RulesQuestion(String decision, String customerId, Map<String, Object> attributes) {

    /** An attribute, or null; handy in rule conditions: {@code attribute("firstPregnancy") == true}. */
    public Object attribute(String name) {
        return attributes.get(name);
    }
}
