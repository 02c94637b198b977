package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.EngineIT;

/** Readiness follows the event intake routes: DOWN while they do not answer, UP again once they do. */
class ReadinessIT extends EngineIT {

    @Autowired
    CamelContext camel;

    @Test
    void readinessIsDownWhileTheEventRoutesAreNotStarted() throws Exception {
        assertThat(health("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(health("/actuator/health/liveness").statusCode()).isEqualTo(200);

        camel.getRouteController().stopRoute("events-accept-one");
        try {
            HttpResponse<String> readiness = health("/actuator/health/readiness");
            assertThat(readiness.statusCode()).isEqualTo(503);
            assertThat(readiness.body()).contains("\"status\":\"DOWN\"");
            assertThat(health("/actuator/health").statusCode()).as("the overall health says so too").isEqualTo(503);
            assertThat(health("/actuator/health/liveness").statusCode()).as("the process is alive all the same").isEqualTo(200);
        } finally {
            camel.getRouteController().startRoute("events-accept-one");
        }

        assertThat(health("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(post("/api/events", "{\"type\": \"page_viewed\", \"customerId\": \"c-ready\"}").statusCode()).isEqualTo(202);
    }

    private HttpResponse<String> health(String path) {
        return send(request(path).GET().build());
    }
}
