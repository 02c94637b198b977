package io.touchpoint.channels;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Headers;
import org.springframework.stereotype.Component;

/**
 * Helpers the channel routes call to shape a provider's request: the route names each field in a header
 * {@code field.<name>} ({@code field.notification.title} nests), this bean encodes them as a form or as JSON.
 */
@Component("providerPayloads")
public class ProviderPayloads {

    static final String FIELD = "field.";

    private final ObjectMapper json;

    ProviderPayloads(ObjectMapper json) {
        this.json = json;
    }

    /** {@code application/x-www-form-urlencoded} from the {@code field.*} headers (empty fields left out). */
    public String form(@Headers Map<String, Object> headers) {
        return fields(headers).entrySet().stream()
                .filter(field -> field.getValue() != null && !String.valueOf(field.getValue()).isEmpty())
                .map(field -> encode(field.getKey()) + "=" + encode(String.valueOf(field.getValue())))
                .collect(Collectors.joining("&"));
    }

    /** A JSON object from the {@code field.*} headers; dots in a field name make nested objects. */
    @SuppressWarnings("unchecked")
    public String json(@Headers Map<String, Object> headers) throws JsonProcessingException {
        Map<String, Object> root = new LinkedHashMap<>();
        fields(headers).forEach((name, value) -> {
            String[] path = name.split("\\.");
            Map<String, Object> node = root;
            for (int i = 0; i < path.length - 1; i++) {
                node = (Map<String, Object>) node.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
            }
            node.put(path[path.length - 1], value);
        });
        return json.writeValueAsString(root);
    }

    /** A JSON document given as text, so a webhook template's rendered body is sent as JSON, not as a string. */
    public JsonNode parsed(String document) throws JsonProcessingException {
        return document == null ? null : json.readTree(document);
    }

    /** The value of a top-level field of a provider's JSON answer (for example Twilio's {@code sid}). */
    public String field(String answer, String name) throws JsonProcessingException {
        JsonNode value = answer == null || answer.isBlank() ? null : json.readTree(answer).get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** An HTTP Basic {@code Authorization} header value. */
    public String basicAuth(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> fields(Map<String, Object> headers) {
        Map<String, Object> fields = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (name.startsWith(FIELD)) {
                fields.put(name.substring(FIELD.length()), value);
            }
        });
        return fields;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
