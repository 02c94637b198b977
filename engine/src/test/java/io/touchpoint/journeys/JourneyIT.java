package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import io.touchpoint.EngineIT;

/** Base of the journeys' integration tests: events in over HTTP for fresh customers. */
abstract class JourneyIT extends EngineIT {

    /** Posts an event of this type for the customer; {@code properties} is a JSON object. */
    void event(String type, String customer, String properties) {
        assertThat(post("/api/events", """
                {"type": "%s", "customerId": "%s", "properties": %s}""".formatted(type, customer, properties)).statusCode()).isEqualTo(202);
    }

    void event(String type, String customer) {
        event(type, customer, "{}");
    }

    /** Deploys a BPMN file as Camunda Modeler's Deploy button does. */
    HttpResponse<String> deployOverRest(String fileName, String bpmn) {
        String boundary = "----touchpoint" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nmodeler\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + bpmn + "\r\n--" + boundary + "--\r\n";
        return send(request("/engine-rest/deployment/create").header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String customer() {
        return "c-" + UUID.randomUUID();
    }
}
