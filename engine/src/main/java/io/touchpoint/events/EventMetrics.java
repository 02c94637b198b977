package io.touchpoint.events;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import io.touchpoint.system.CounterFamily;

/**
 * Counts events by the way they came in and what became of them: {@code touchpoint.events} tagged {@code way.in}
 * (rest, batch, rabbitmq, kafka, mqtt, file, engagement) and {@code outcome} (accepted, duplicate, refused). The
 * event routes call {@link #taken} at the end of the intake route and {@link #refused} where their route
 * configuration refuses an event; the way in is the route that received the exchange. What goes in past the routes
 * (a batch, RabbitMQ messages taken in together, opens and clicks) is counted by its caller.
 */
@Component("eventMetrics")
public class EventMetrics {

    static final String REST = "rest";
    static final String BATCH = "batch";
    static final String RABBITMQ = "rabbitmq";
    public static final String ENGAGEMENT = "engagement";
    static final String OTHER = "other";
    static final String ACCEPTED = "accepted";
    static final String DUPLICATE = "duplicate";
    static final String REFUSED = "refused";

    /** The routes of {@code routes/events-*.camel.yaml} that receive events (REST: the verb's route and the one it calls). */
    private static final Map<String, String> WAY_IN_OF_ROUTE = Map.of(
            "post-event", REST, "events-accept-one", REST,
            "post-event-batch", BATCH, "events-accept-batch", BATCH,
            "events-rabbitmq", RABBITMQ, "events-rabbitmq-lane", RABBITMQ,
            "events-kafka", "kafka", "events-mqtt", "mqtt", "events-file", "file");
    /** The route an exchange starts in when Java code sends it to the intake route: that code counts the event. */
    private static final String SENT_FROM_JAVA = "events-intake";

    private final CounterFamily events;

    EventMetrics(MeterRegistry registry) {
        this.events = new CounterFamily(registry, "touchpoint.events", "Events by the way they came in and what became of them",
                "way.in", "outcome");
        // every known series from the start, at 0, so that rate() and alerts see the first event
        for (String wayIn : List.of(REST, BATCH, RABBITMQ, "kafka", "mqtt", "file", ENGAGEMENT)) {
            List.of(ACCEPTED, DUPLICATE, REFUSED).forEach(outcome -> counter(wayIn, outcome));
        }
    }

    /** The intake route's last step: the event it took in, accepted or a repeat. */
    public void taken(Exchange exchange) {
        String wayIn = wayIn(exchange);
        if (wayIn != null) {
            count(wayIn, exchange.getMessage().getBody(EventIntake.Accepted.class));
        }
    }

    /** A route configuration refused the event (or a whole batch) of this exchange: invalid or too large. */
    public void refused(Exchange exchange) {
        String wayIn = wayIn(exchange);
        if (wayIn != null) {
            countRefused(wayIn, 1);
        }
    }

    /** An event taken in (perhaps as a repeat) that came in this way. */
    public void count(String wayIn, EventIntake.Accepted accepted) {
        counter(wayIn, accepted.duplicate() ? DUPLICATE : ACCEPTED).increment();
    }

    /** Events refused that came in this way. */
    public void countRefused(String wayIn, int events) {
        counter(wayIn, REFUSED).increment(events);
    }

    private static String wayIn(Exchange exchange) {
        String route = exchange.getFromRouteId();
        return SENT_FROM_JAVA.equals(route) ? null : WAY_IN_OF_ROUTE.getOrDefault(route, OTHER);
    }

    private Counter counter(String wayIn, String outcome) {
        return events.with(wayIn, outcome);
    }
}
