package io.touchpoint.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.touchpoint.system.Problems;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The bean the event routes in {@code routes/} call: reads what a route received into a {@link CustomerEvent},
 * hands single events to the shared intake route ({@code direct:events-intake}: idempotent consumer, then
 * {@link EventIntake}) and batches to {@link EventIntake#acceptTogether} (the route, event by event, if that fails),
 * and writes the JSON answers (errors as RFC 9457 problem details).
 */
@Component("eventsApi")
public class EventsApi {

    private static final Logger log = LoggerFactory.getLogger(EventsApi.class);

    static final String INTAKE = "direct:events-intake";

    private final EventReader reader;
    private final ProducerTemplate camel;
    private final ObjectMapper json;
    private final EventIntake intake;
    private final EventMetrics metrics;
    private final int eventsPerTransaction;

    EventsApi(EventReader reader, ProducerTemplate camel, ObjectMapper json, EventIntake intake, EventMetrics metrics,
              @Value("${touchpoint.events.batch-events-per-transaction}") int eventsPerTransaction) {
        this.reader = reader;
        this.intake = intake;
        this.metrics = metrics;
        this.eventsPerTransaction = eventsPerTransaction;
        this.camel = camel;
        this.json = json;
    }

    /** One event, validated; an invalid one throws {@link InvalidEventException} naming the field. */
    public CustomerEvent read(String body) {
        return reader.readOne(body);
    }

    /**
     * One broker message. An event without {@code eventId} takes the broker's message id (RabbitMQ's
     * {@code message_id}; at most {@value EventReader#MAX_ID_LENGTH} characters) or else {@code sha256:} and the SHA-256 of
     * the body, so a redelivered message is recognised as the same event: two byte-identical events without an id
     * are taken as one.
     */
    public CustomerEvent readMessage(String body, String messageId) {
        boolean usable = messageId != null && !messageId.isBlank() && messageId.length() <= EventReader.MAX_ID_LENGTH;
        return reader.readOne(body, usable ? messageId : "sha256:" + ApiKeys.hash(body == null ? "" : body));
    }

    /** The answer for one event that went through the intake route. */
    public String answer(EventIntake.Accepted result) {
        return write(accepted(result));
    }

    /** What the intake route answers for an event id it has already seen. */
    public EventIntake.Accepted duplicate(CustomerEvent event) {
        return new EventIntake.Accepted(event.eventId(), event.customerId(), true);
    }

    /**
     * Many events: the valid ones go in, each invalid one is reported with its index and reason. They go in, in
     * order, {@code eventsPerTransaction} to a transaction ({@link EventIntake#acceptTogether}); those of a
     * transaction that fails as a whole, and identify/alias events, one by one through the intake route.
     */
    public String acceptBatch(String body) {
        List<JsonNode> elements = reader.readArray(body);
        List<Map<String, Object>> accepted = new ArrayList<>();
        List<Map<String, Object>> rejected = new ArrayList<>();
        List<CustomerEvent> valid = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        for (int index = 0; index < elements.size(); index++) {
            try {
                valid.add(reader.read(elements.get(index)));
                indexes.add(index);
            } catch (InvalidEventException e) {
                rejected.add(refusal(index, e.getMessage()));
            }
        }
        List<EventIntake.Outcome> outcomes = new ArrayList<>();
        int from = 0;
        while (from < valid.size()) {
            if (EventIntake.mayMerge(valid.get(from))) { // a merge locks and rewrites profiles: it commits on its own
                outcomes.add(oneByOne(valid.get(from++)));
                continue;
            }
            int to = from;
            while (to < valid.size() && to - from < eventsPerTransaction && !EventIntake.mayMerge(valid.get(to))) {
                to++;
            }
            List<CustomerEvent> together = valid.subList(from, to);
            outcomes.addAll(intake.acceptTogether(together).orElseGet(() -> together.stream().map(this::oneByOne).toList()));
            from = to;
        }
        for (int i = 0; i < outcomes.size(); i++) {
            EventIntake.Outcome outcome = outcomes.get(i);
            if (outcome.accepted() != null) {
                metrics.count(EventMetrics.BATCH, outcome.accepted());
                Map<String, Object> result = accepted(outcome.accepted());
                result.put("index", indexes.get(i));
                accepted.add(result);
            } else {
                rejected.add(refusal(indexes.get(i), outcome.refusal()));
            }
        }
        metrics.countRefused(EventMetrics.BATCH, rejected.size());
        rejected.sort(Comparator.comparing(refusal -> (Integer) refusal.get("index")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", accepted);
        answer.put("rejected", rejected);
        return write(answer);
    }

    /**
     * One event of a batch in a transaction of its own. Whatever fails it, the answer says so for this event only:
     * the events before it stay committed and are answered as such.
     */
    private EventIntake.Outcome oneByOne(CustomerEvent event) {
        try {
            return new EventIntake.Outcome(intake(event), null);
        } catch (InvalidEventException | PayloadTooLargeException e) {
            return new EventIntake.Outcome(null, e.getMessage());
        } catch (RuntimeException e) {
            log.warn("TP-EVENT-002 Event {} of a batch failed and was not committed; the sender may retry it", event.eventId(), e);
            return new EventIntake.Outcome(null, "not committed: the engine failed to take it in (" + e.getClass().getSimpleName()
                    + "); retry it with the same eventId");
        }
    }

    private static Map<String, Object> refusal(int index, String reason) {
        Map<String, Object> refusal = new LinkedHashMap<>();
        refusal.put("index", index);
        refusal.put("error", reason);
        return refusal;
    }

    /** The body of an error answer: a problem detail of this HTTP status whose {@code detail} is the reason. */
    public String problem(Exception problem, int status) {
        return Problems.json(status, problem.getMessage());
    }

    /** The body of the answer when the database is busy (503 with Retry-After). */
    public String busy() {
        return Problems.json(503, "the engine is busy; nothing of the event was committed, retry later");
    }

    /**
     * One event made in the engine (an open or a click of a message) through the intake route, as every way in takes
     * it: the idempotent consumer first, so a repeat of its deterministic id is a duplicate, then {@link EventIntake}.
     * Not counted by the route: the caller counts it by its way in.
     */
    public EventIntake.Accepted takeIn(CustomerEvent event) {
        return intake(event);
    }

    private EventIntake.Accepted intake(CustomerEvent event) {
        try {
            return camel.requestBody(INTAKE, event, EventIntake.Accepted.class);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static Map<String, Object> accepted(EventIntake.Accepted result) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("eventId", result.eventId());
        answer.put("customerId", result.customerId());
        answer.put("status", result.duplicate() ? "duplicate" : "accepted");
        return answer;
    }

    private String write(Object answer) {
        try {
            return json.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
