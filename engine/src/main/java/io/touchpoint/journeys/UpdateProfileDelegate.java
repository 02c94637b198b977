package io.touchpoint.journeys;

import java.time.Clock;
import java.util.Map;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.ProfileService;
import io.touchpoint.profiles.ProfileUpdate;

/** Service task "Update profile": sets one attribute of the customer's profile to a value or an expression's result; date waits on it are re-planned. */
@Component("updateProfileDelegate")
public class UpdateProfileDelegate implements JavaDelegate {

    private final ProfileService profiles;
    private final DateWaitPlanner dateWaits;
    private final Clock clock;

    UpdateProfileDelegate(ProfileService profiles, DateWaitPlanner dateWaits, Clock clock) {
        this.profiles = profiles;
        this.dateWaits = dateWaits;
        this.clock = clock;
    }

    @Override
    public void execute(DelegateExecution execution) {
        String customerId = (String) execution.getVariable(JourneyDispatcher.CUSTOMER_ID);
        String attribute = (String) execution.getVariableLocal("attribute");
        Object value = execution.getVariableLocal("value");
        Map<String, Object> traits = new java.util.HashMap<>();
        traits.put(attribute, value);
        // the same checks as an event's traits: a declared attribute of the wrong type fails the step
        profiles.apply(customerId, ProfileUpdate.of(Map.of(), Map.of("traits", traits), clock.instant()));
        dateWaits.attributesChanged(customerId, traits.keySet());
    }
}
