package io.touchpoint.journeys;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Execution;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.bpm.engine.variable.value.ObjectValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.touchpoint.events.CustomerEvent;

/**
 * Starts and continues journeys for an event: the message name is the event type, the business key the
 * customer id. A customer has at most one active instance of a journey at a time.
 */
@Service
public class JourneyDispatcher {

    private static final Logger log = LoggerFactory.getLogger(JourneyDispatcher.class);

    /** Process variables the engine sets: who the journey is for and the event that started or moved it. */
    public static final String CUSTOMER_ID = "customerId";
    public static final String TRIGGER = "trigger";
    public static final String LAST_EVENT = "lastEvent";

    private final RuntimeService runtime;
    private final JourneyTriggers triggers;
    private final ObjectMapper json;

    JourneyDispatcher(RuntimeService runtime, JourneyTriggers triggers, ObjectMapper json) {
        this.runtime = runtime;
        this.triggers = triggers;
        this.json = json;
    }

    /** Runs inside the caller's transaction. */
    public void dispatch(CustomerEvent event) {
        if (triggers.awaited(event.type())) {
            continueWaiting(event);
        }
        for (JourneyTriggers.StartTarget target : triggers.startedBy(event.type())) {
            start(target, event);
        }
    }

    private void continueWaiting(CustomerEvent event) {
        List<String> instances = runtime.createExecutionQuery()
                .processInstanceBusinessKey(event.customerId())
                .messageEventSubscriptionName(event.type())
                .list().stream().map(Execution::getProcessInstanceId).distinct().toList();
        for (String instance : instances) {
            runtime.createMessageCorrelation(event.type())
                    .processInstanceId(instance)
                    .setVariable(LAST_EVENT, asVariable(event))
                    .correlateAllWithResult();
            log.info("Event {} ({}) continued journey instance {} of customer {}", event.eventId(), event.type(), instance, event.customerId());
        }
    }

    private void start(JourneyTriggers.StartTarget target, CustomerEvent event) {
        long active = runtime.createProcessInstanceQuery()
                .processDefinitionKey(target.definitionKey())
                .processInstanceBusinessKey(event.customerId())
                .count();
        if (active > 0) {
            log.info("Customer {} is already in journey {}; event {} starts no second instance", event.customerId(), target.definitionKey(), event.eventId());
            return;
        }
        String instance = runtime.createMessageCorrelation(event.type())
                .processDefinitionId(target.definitionId())
                .processInstanceBusinessKey(event.customerId())
                .setVariable(CUSTOMER_ID, event.customerId())
                .setVariable(TRIGGER, asVariable(event))
                .correlateStartMessage().getId();
        log.info("Event {} ({}) started journey {} for customer {}: instance {}", event.eventId(), event.type(), target.definitionKey(), event.customerId(), instance);
    }

    private ObjectValue asVariable(CustomerEvent event) {
        Map<?, ?> document = json.convertValue(event, Map.class);
        return Variables.objectValue(document).serializationDataFormat(Variables.SerializationDataFormats.JSON).create();
    }
}
