package io.touchpoint.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.CustomerProfile;

/**
 * The one normalisation step every route shares: turns the JSON that systems send into validated
 * {@link CustomerEvent}s (envelope and per-type JSON Schemas, then the rules a schema cannot say), naming the
 * field that is wrong, and gives an event without {@code eventId} one.
 */
@Component
public class EventReader {

    /** The longest event id, event type and customer id (their columns hold 200 characters). */
    static final int MAX_ID_LENGTH = 200;
    /** The longest identity kind ("email", "crmId", ...), phone number and other identity value. */
    static final int MAX_IDENTITY_KIND_LENGTH = 64;
    static final int MAX_PHONE_LENGTH = 64;
    static final int MAX_IDENTITY_LENGTH = 320;

    private final ObjectMapper json;
    private final EventSchemas schemas;
    private final int maxPayloadBytes;
    private final int maxBatchSize;

    EventReader(ObjectMapper json, EventSchemas schemas,
                @Value("${touchpoint.events.max-payload-bytes}") int maxPayloadBytes,
                @Value("${touchpoint.events.max-batch-size}") int maxBatchSize) {
        this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.schemas = schemas;
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxBatchSize = maxBatchSize;
    }

    public CustomerEvent readOne(String body) {
        return read(parse(body));
    }

    /** One event whose id, when it has none, is {@code fallbackEventId}: a re-read of the same source gives the same id. */
    public CustomerEvent readOne(String body, String fallbackEventId) {
        CustomerEvent event = validate(toEvent(checked(parse(body))));
        return event.eventId() != null ? event : event.withIds(fallbackEventId, event.customerId(), event.occurredAt());
    }

    /** The elements of a JSON array of events, each still to be read with {@link #read(JsonNode)}. */
    public List<JsonNode> readArray(String body) {
        JsonNode tree = parse(body);
        if (!tree.isArray()) {
            throw new InvalidEventException("a batch must be a JSON array of events");
        }
        if (tree.size() > maxBatchSize) {
            throw new PayloadTooLargeException("a batch holds at most " + maxBatchSize + " events; this one has " + tree.size());
        }
        List<JsonNode> elements = new ArrayList<>();
        tree.forEach(elements::add);
        return elements;
    }

    public CustomerEvent read(JsonNode node) {
        CustomerEvent event = validate(toEvent(checked(node)));
        return event.eventId() != null ? event : event.withIds(UUID.randomUUID().toString(), event.customerId(), event.occurredAt());
    }

    private JsonNode checked(JsonNode node) {
        if (node.isObject()) {
            schemas.check(node);
        }
        return node;
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidEventException("the request body is empty; send an event as JSON");
        }
        if (body.length() > maxPayloadBytes) {
            throw new PayloadTooLargeException("the payload is larger than " + maxPayloadBytes + " bytes");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private CustomerEvent toEvent(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidEventException("an event must be a JSON object");
        }
        try {
            return json.treeToValue(node, CustomerEvent.class);
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream().map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("event");
            String problem = e instanceof InvalidFormatException ? "has an invalid value" : "has the wrong type";
            throw new InvalidEventException("field '" + field + "' " + problem + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("malformed event: " + e.getOriginalMessage());
        }
    }

    private CustomerEvent validate(CustomerEvent event) {
        if (event.type() == null || event.type().isBlank()) {
            throw new InvalidEventException("field 'type' is required");
        }
        boolean hasCustomerId = event.customerId() != null && !event.customerId().isBlank();
        boolean hasIdentity = event.identities().values().stream().anyMatch(v -> v != null && !v.isBlank());
        if (!hasCustomerId && !hasIdentity) {
            throw new InvalidEventException("field 'customerId' or 'identities' is required");
        }
        atMost("eventId", event.eventId(), MAX_ID_LENGTH);
        atMost("type", event.type(), MAX_ID_LENGTH);
        atMost("customerId", event.customerId(), MAX_ID_LENGTH);
        for (Map.Entry<String, String> identity : event.identities().entrySet()) {
            String kind = identity.getKey();
            if (kind.isBlank() || kind.length() > MAX_IDENTITY_KIND_LENGTH) {
                throw new InvalidEventException("field 'identities' has a kind that is empty or longer than " + MAX_IDENTITY_KIND_LENGTH
                        + " characters: '" + shortened(kind) + "'");
            }
            int max = CustomerProfile.PHONE.equals(kind) ? MAX_PHONE_LENGTH : MAX_IDENTITY_LENGTH;
            atMost("identities." + kind, identity.getValue(), max);
            atMost("identities", kind, MAX_IDENTITY_KIND_LENGTH);
        }
        if (event.properties().get("previousId") instanceof String previousId) {
            atMost("properties.previousId", previousId, MAX_ID_LENGTH);
        }
        return event;
    }

    /** An id-like field: at most {@code max} characters of well-formed text (ids are keys in maps and tables alike). */
    private static void atMost(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new InvalidEventException("field '" + field + "' is longer than " + max + " characters");
        }
        if (value != null && !wellFormed(value)) {
            throw new InvalidEventException("field '" + field + "' holds a control character or half of a surrogate pair");
        }
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    private static String shortened(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
