package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.touchpoint.EngineIT;
import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionService;
import io.touchpoint.journeys.AbandonedCartJourneyIT;

/**
 * {@code /actuator/prometheus} after an end-to-end run: events in (accepted, a repeat, refused, a batch, a file drop), journeys
 * started, continued, at their goal and ended, decisions, an email sent, an incident and a late timer; read with the
 * metrics role, refused without it. Its own Spring context: {@code @SpringBootTest} switches metrics export off.
 */
@AutoConfigureObservability
class MetricsIT extends EngineIT {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Path INBOX = temporaryFolder();
    /** A metric the dashboard or an alert rule queries. */
    private static final Pattern OPS_METRIC = Pattern.compile("\\b(touchpoint|camel)_[a-z_]+");

    @Autowired
    RuntimeService runtime;
    @Autowired
    DecisionService decisions;

    @DynamicPropertySource
    static void fileDrop(DynamicPropertyRegistry registry) {
        registry.add("touchpoint.events.file.enabled", () -> "true");
        registry.add("touchpoint.events.file.folder", INBOX::toString);
    }

    @Test
    void prometheusShowsTheEventsJourneysDecisionsMessagesAndBacklogOfARun() throws IOException {
        // a file drop with a good and a bad line, taken in meanwhile
        Path written = Files.writeString(INBOX.resolve("metrics.part"), """
                {"type": "page_viewed", "customerId": "c-file-%s"}
                {"customerId": "c-no-type"}
                """.formatted(UUID.randomUUID()));
        Files.move(written, INBOX.resolve("metrics.jsonl"));

        // an abandoned cart (and its repeat) that ends in a reminder email once its jobs run
        String shopper = AbandonedCartJourneyIT.newCustomer();
        String cart = AbandonedCartJourneyIT.cartAbandoned(shopper, "metrics@example.com", 129.00)
                .replaceFirst("\\{", "{\"eventId\": \"metrics-" + shopper + "\", ");
        assertThat(post("/api/events", cart).body()).contains("\"status\":\"accepted\"");
        assertThat(post("/api/events", cart).body()).contains("\"status\":\"duplicate\"");
        runAllJobs(journey("abandonedCart", shopper).getId());
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 1);

        // an order that continues (and so ends) a waiting abandoned cart, and reaches the goal of a welcome series
        String buyer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(buyer, "buyer@example.com", 40.00));
        assertThat(post("/api/events", """
                {"type": "customer_signed_up", "customerId": "%s", "identities": {"email": "buyer@example.com"}}""".formatted(buyer)).statusCode()).isEqualTo(202);
        assertThat(post("/api/events", """
                {"type": "order_placed", "customerId": "%s", "properties": {"orderId": "o-1"}}""".formatted(buyer)).statusCode()).isEqualTo(202);

        // refused: one event without a type, and one of a batch
        assertThat(post("/api/events", "{\"customerId\": \"c-no-type\"}").statusCode()).isEqualTo(400);
        assertThat(post("/api/events/batch", """
                [{"type": "page_viewed", "customerId": "%s"}, {"customerId": "c-no-type"}]""".formatted(buyer)).statusCode()).isEqualTo(202);

        // a decision that cannot be made (no profile): a recorded no-decision, counted as an error
        Decision none = decisions.decide(DecisionRequest.of("metrics-check", "nobody-" + UUID.randomUUID()).withSendingPolicy());
        assertThat(none.getOutcome()).isEqualTo(Decision.Outcome.NO_DECISION);

        // a journey whose timer is five minutes late, with an incident
        String waiting = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(waiting, "late@example.com", 129.00));
        ProcessInstance late = journey("abandonedCart", waiting);
        Job timer = management.createJobQuery().processInstanceId(late.getId()).timers().singleResult();
        management.setJobDuedate(timer.getId(), Date.from(Instant.now().minus(Duration.ofMinutes(5))));
        runtime.createIncident("metricsCheck", timer.getExecutionId(), "metrics", "an incident for MetricsIT");

        // the engine's gauges are read at most every 10 s: another scrape may have read them just before
        List<Sample> samples = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
                .until(() -> parse(scrape(basic("viewer", "viewer")).body()), read -> total(read, "touchpoint_incidents_open") > 0
                        && total(read, "touchpoint_events_total", "way_in", "file") == 2);

        for (Path ops : List.of(Path.of("../ops/grafana/touchpoint-dashboard.json"), Path.of("../ops/prometheus/touchpoint-alerts.yaml"))) {
            Matcher queried = OPS_METRIC.matcher(Files.readString(ops));
            while (queried.find()) {
                String name = queried.group();
                assertThat(samples).as("%s queries %s, which the engine serves", ops.getFileName(), name)
                        .anyMatch(sample -> sample.name().equals(name) || sample.name().startsWith(name + "_"));
            }
        }
        assertThat(value(samples, "touchpoint_events_total", "way_in", "rest", "outcome", "accepted")).isEqualTo(5);
        assertThat(value(samples, "touchpoint_events_total", "way_in", "rest", "outcome", "duplicate")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_events_total", "way_in", "rest", "outcome", "refused")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_events_total", "way_in", "batch", "outcome", "accepted")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_events_total", "way_in", "batch", "outcome", "refused")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_events_total", "way_in", "file", "outcome", "accepted")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_events_total", "way_in", "file", "outcome", "refused")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_events_total", "way_in", "kafka", "outcome", "accepted")).as("every way in, from 0").isZero();
        assertThat(value(samples, "touchpoint_profile_updates_total", "kind", "event")).as("each event taken in once").isEqualTo(7);

        assertThat(value(samples, "touchpoint_journeys_total", "journey", "abandonedCart", "what", "started")).isEqualTo(3);
        assertThat(value(samples, "touchpoint_journeys_total", "journey", "abandonedCart", "what", "continued")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_journeys_total", "journey", "abandonedCart", "what", "ended")).isEqualTo(2);
        assertThat(value(samples, "touchpoint_journeys_total", "journey", "welcomeSeries", "what", "started")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_journeys_total", "journey", "welcomeSeries", "what", "goal")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_journeys_total", "journey", "welcomeSeries", "what", "ended")).isEqualTo(1);

        assertThat(total(samples, "touchpoint_decisions_total", "decision", "abandoned-cart-offer", "outcome", "eligible")
                + total(samples, "touchpoint_decisions_total", "decision", "abandoned-cart-offer", "outcome", "deferred"))
                .as("eligible, or deferred when the test runs in quiet hours").isEqualTo(1);
        assertThat(value(samples, "touchpoint_decisions_total", "decision", "metrics-check", "outcome", "error")).isEqualTo(1);

        assertThat(value(samples, "touchpoint_messages_total", "channel", "email", "category", "marketing", "status", "sent")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_provider_latency_seconds_count", "channel", "email")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_provider_latency_seconds_sum", "channel", "email")).isPositive();
        assertThat(samples).as("a histogram, for percentiles").anyMatch(s -> s.name().equals("touchpoint_provider_latency_seconds_bucket")
                && "email".equals(s.labels().get("channel")));

        assertThat(value(samples, "touchpoint_incidents_open")).isEqualTo(1);
        assertThat(value(samples, "touchpoint_jobs_due")).isGreaterThanOrEqualTo(1);
        assertThat(value(samples, "touchpoint_timers_lateness_seconds")).isGreaterThanOrEqualTo(Duration.ofMinutes(4).toSeconds());

        assertThat(samples).as("Camel's route metrics").anyMatch(s -> s.name().startsWith("camel_exchanges")
                && "events-intake".equals(s.labels().get("routeId")) && s.value() > 0);
        assertThat(samples).filteredOn(s -> s.name().startsWith("touchpoint_"))
                .allSatisfy(s -> assertThat(s.labels()).containsEntry("application", "touchpoint").doesNotContainValue(shopper));
    }

    @Test
    void onlyTheMetricsRoleAndThoseAboveItReadTheMetrics() {
        assertThat(scrape(null).statusCode()).as("anonymous").isEqualTo(401);
        assertThat(scrape(basic("integration", "integration")).statusCode()).as("an event source").isEqualTo(403);
        assertThat(scrape(basic(USER, PASSWORD)).statusCode()).as("admin").isEqualTo(200);
        HttpResponse<String> health = send(request("/actuator/health").header("Authorization", basic(USER, PASSWORD)).GET().build());
        assertThat(health.statusCode()).as("health stays open: %s", health.body()).isEqualTo(200);
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("metrics-inbox");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProcessInstance journey(String key, String customer) {
        return runtime.createProcessInstanceQuery().processDefinitionKey(key).processInstanceBusinessKey(customer).singleResult();
    }

    private HttpResponse<String> scrape(String authorization) {
        HttpRequest.Builder request = request("/actuator/prometheus").GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    /** One line of the Prometheus text format. */
    private record Sample(String name, Map<String, String> labels, double value) {
    }

    private static List<Sample> parse(String exposition) {
        return exposition.lines().filter(line -> !line.startsWith("#")).map(SAMPLE::matcher).filter(Matcher::matches).map(line -> {
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher label = LABEL.matcher(line.group(2) == null ? "" : line.group(2));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            return new Sample(line.group(1), labels, Double.parseDouble(line.group(3)));
        }).toList();
    }

    /** The value of the one sample of that name with these labels (name, value, name, value...). */
    private static double value(List<Sample> samples, String name, String... labels) {
        List<Sample> matching = matching(samples, name, labels);
        assertThat(matching).as("%s %s", name, List.of(labels)).hasSize(1);
        return matching.get(0).value();
    }

    /** The sum of the samples of that name with these labels; 0 when there is none. */
    private static double total(List<Sample> samples, String name, String... labels) {
        return matching(samples, name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private static List<Sample> matching(List<Sample> samples, String name, String... labels) {
        return samples.stream().filter(sample -> sample.name().equals(name)).filter(sample -> {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }).toList();
    }
}
