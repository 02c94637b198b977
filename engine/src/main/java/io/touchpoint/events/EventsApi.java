package io.touchpoint.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * The bean the event routes in {@code routes/} call: reads the request body, hands each event to
 * {@link EventIntake} and writes the JSON answer.
 */
@Component("eventsApi")
public class EventsApi {

    private final EventReader reader;
    private final EventIntake intake;
    private final ObjectMapper json;

    EventsApi(EventReader reader, EventIntake intake, ObjectMapper json) {
        this.reader = reader;
        this.intake = intake;
        this.json = json;
    }

    /** One event; an invalid one throws {@link InvalidEventException}. */
    public String acceptOne(String body) {
        return write(accepted(intake.accept(reader.readOne(body))));
    }

    /** Many events: the valid ones go in, each invalid one is reported with its index and reason. */
    public String acceptBatch(String body) {
        List<JsonNode> elements = reader.readArray(body);
        List<Map<String, Object>> accepted = new ArrayList<>();
        List<Map<String, Object>> rejected = new ArrayList<>();
        for (int index = 0; index < elements.size(); index++) {
            try {
                Map<String, Object> result = accepted(intake.accept(reader.read(elements.get(index))));
                result.put("index", index);
                accepted.add(result);
            } catch (InvalidEventException e) {
                rejected.add(Map.of("index", index, "error", e.getMessage()));
            }
        }
        return write(Map.of("accepted", accepted, "rejected", rejected));
    }

    /** The body of a 400 answer. */
    public String error(Exception problem) {
        return write(Map.of("error", problem.getMessage()));
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
