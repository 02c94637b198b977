package io.touchpoint.journeys;

import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.CustomerProfile;

/**
 * Moves the timers of "Wait until date" blocks when the date they wait for changes: a profile attribute (by an
 * event, an operator's PATCH, the Update profile block or a merge) or the starting or latest event of a run. Runs in
 * the caller's transaction. A date that cannot be worked out leaves the timer as it was (logged); it never fails
 * the caller.
 */
@Component
public class DateWaitPlanner {

    private static final Logger log = LoggerFactory.getLogger(DateWaitPlanner.class);

    private final RuntimeService runtime;
    private final ManagementService management;
    private final JourneyTriggers triggers;
    private final ProfileDateWaits dates;

    DateWaitPlanner(RuntimeService runtime, ManagementService management, JourneyTriggers triggers, ProfileDateWaits dates) {
        this.runtime = runtime;
        this.management = management;
        this.triggers = triggers;
        this.dates = dates;
    }

    /** The customer's waits on these profile attributes, for the profile as it is now. */
    public void attributesChanged(String customerId, Collection<String> attributes) {
        if (triggers.watchesProfileDates() && attributes.stream().anyMatch(a -> !triggers.dateWaits(a).isEmpty())) {
            dates.profile(customerId).ifPresent(profile -> attributesChanged(profile, attributes));
        }
    }

    /** The customer's waits on these profile attributes, for this profile (as a merge has just written it, say). */
    public void attributesChanged(CustomerProfile profile, Collection<String> attributes) {
        for (String attribute : attributes) {
            for (JourneyTriggers.DateWait wait : triggers.dateWaits(attribute)) {
                List<ProcessInstance> instances = runtime.createProcessInstanceQuery().processDefinitionId(wait.definitionId())
                        .processInstanceBusinessKey(profile.customerId()).list();
                Optional<Instant> due = Optional.empty(); // the same for every instance of this customer: worked out once, when needed
                for (ProcessInstance instance : instances) {
                    for (Job timer : timers(instance.getId(), wait)) {
                        due = due.isPresent() ? due : dueInstant(wait, profile, name -> null);
                        due.ifPresent(at -> move(timer, wait, at, "the profile changed " + attribute));
                    }
                }
            }
        }
    }

    /**
     * Every date wait of one journey instance, for the customer's profile and the instance's {@code trigger} and
     * {@code lastEvent} as they are now: call it after giving a running journey new event data.
     */
    public void replan(String customerId, String processInstanceId) {
        List<Job> timers = management.createJobQuery().processInstanceId(processInstanceId).timers().list();
        List<JourneyTriggers.DateWait> waits = timers.isEmpty() ? List.of() : triggers.dateWaitsOf(timers.get(0).getProcessDefinitionId());
        if (waits.isEmpty()) {
            return;
        }
        CustomerProfile profile = dates.profile(customerId).orElse(null);
        for (JourneyTriggers.DateWait wait : waits) {
            for (Job timer : timers(processInstanceId, wait)) {
                dueInstant(wait, profile, name -> runtime.getVariable(processInstanceId, name))
                        .ifPresent(at -> move(timer, wait, at, "new event data"));
            }
        }
    }

    /** After an event moved a running journey (its {@code lastEvent} changed): re-plans it if any journey reads dates from events. */
    void eventArrived(String customerId, String processInstanceId) {
        if (triggers.readsEventDates()) {
            replan(customerId, processInstanceId);
        }
    }

    private List<Job> timers(String processInstanceId, JourneyTriggers.DateWait wait) {
        return management.createJobQuery().processInstanceId(processInstanceId).activityId(wait.activityId()).timers().list();
    }

    private static Optional<Instant> dueInstant(JourneyTriggers.DateWait wait, CustomerProfile profile, Function<String, Object> variables) {
        try {
            return Optional.of(ProfileDateWaits.dueInstant(wait.block(), profile, variables));
        } catch (RuntimeException e) {
            log.warn("TP-JOURNEY-005 The wait {} of {} keeps its date: {}", wait.activityId(), wait.definitionId(), e.toString());
            return Optional.empty();
        }
    }

    private void move(Job timer, JourneyTriggers.DateWait wait, Instant due, String why) {
        management.setJobDuedate(timer.getId(), Date.from(due));
        log.info("{}: the wait {} of instance {} now ends at {}", why, wait.activityId(), timer.getProcessInstanceId(), due);
    }
}
