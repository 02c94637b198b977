package io.touchpoint.system;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness (health component {@code eventRoutes}, in the readiness group): DOWN until the Camel routes that answer
 * {@code POST /api/events} and {@code /api/events/batch} have started. The web server and {@code /engine-rest}
 * answer a few seconds earlier in a start; a load balancer that waits for readiness never sends events into a 404.
 */
@Component("eventRoutes")
class EventRoutesReadiness implements HealthIndicator {

    /** The routes behind the REST intake (routes/events-rest.camel.yaml) and the route every way in ends with. */
    static final List<String> ROUTES = List.of("events-accept-one", "events-accept-batch", "events-intake");

    private final CamelContext camel;

    EventRoutesReadiness(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public Health health() {
        if (!camel.isStarted()) {
            return Health.down().withDetail("camel", camel.getStatus().name()).build();
        }
        for (String route : ROUTES) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(route);
            if (status != ServiceStatus.Started) {
                return Health.down().withDetail("route", route).withDetail("status", status == null ? "missing" : status.name()).build();
            }
        }
        return Health.up().withDetail("routes", ROUTES).build();
    }
}
