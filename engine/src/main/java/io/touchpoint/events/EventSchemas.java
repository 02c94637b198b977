package io.touchpoint.events;

import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The JSON Schemas every event is checked against, whichever route it came by: the envelope (packaged with the
 * engine) and, per event type, a schema for its {@code properties} registered as
 * {@code routes/event-schemas/<type>.schema.json}. A violation names the field.
 */
@Component
public class EventSchemas {

    private static final Logger log = LoggerFactory.getLogger(EventSchemas.class);
    private static final String SUFFIX = ".schema.json";

    private final JsonSchema envelope;
    private final Map<String, JsonSchema> propertiesByType = new HashMap<>();

    EventSchemas(ResourcePatternResolver resources, @Value("${touchpoint.folders.routes}") String routesFolder) throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = EventSchemas.class.getResourceAsStream("event-envelope.schema.json")) {
            envelope = factory.getSchema(in, config);
        }
        for (Resource file : resources.getResources(routesFolder + "event-schemas/*" + SUFFIX)) {
            String name = file.getFilename();
            String type = name.substring(0, name.length() - SUFFIX.length());
            try (InputStream in = file.getInputStream()) {
                propertiesByType.put(type, factory.getSchema(in, config));
            }
            log.info("Event type {} has a properties schema ({})", type, name);
        }
    }

    /** Throws {@link InvalidEventException} naming the first bad field, if the event breaks a schema. */
    public void check(JsonNode event) {
        throwFirst("", envelope.validate(event));
        JsonSchema properties = propertiesByType.get(event.path("type").asText(""));
        if (properties != null && event.has("properties")) {
            throwFirst("properties.", properties.validate(event.get("properties")));
        }
    }

    /** A JSON pointer ({@code /items/0/name}) as people write a field ({@code items[0].name}). */
    static String dotted(String pointer) {
        return pointer.replaceFirst("^[$#]?/?", "").replaceAll("/(\\d+)(?=/|$)", "[$1]").replace('/', '.');
    }

    private static void throwFirst(String prefix, Set<ValidationMessage> problems) {
        problems.stream().min(Comparator.comparing(ValidationMessage::getMessage)).ifPresent(problem -> {
            String field = prefix + dotted(problem.getInstanceLocation().toString());
            if ("required".equals(problem.getType())) {
                String missing = (field.isEmpty() || field.endsWith(".") ? field : field + ".") + problem.getProperty();
                throw new InvalidEventException("field '" + missing + "' is required");
            }
            String reason = problem.getMessage().replaceFirst("^[^:]*:\\s*", "");
            throw new InvalidEventException("field '" + (field.endsWith(".") ? field.substring(0, field.length() - 1) : field) + "' " + reason);
        });
    }
}
