package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

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

    static String customer() {
        return "c-" + UUID.randomUUID();
    }
}
