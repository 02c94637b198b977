package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMailUtil;

import io.touchpoint.channels.DeliveryLog;
import io.touchpoint.journeys.JourneyScenario.SentMessage;
import io.touchpoint.journeys.JourneyScenario.Time;

/**
 * Runs every scenario file in {@code workflows/tests/} against the journeys of {@code workflows/} in the whole
 * application: each scenario's customer gets their profile and events through {@code POST /api/events} at the
 * scenario's times, the engine clock (which the application's clock follows here) moves from one due job to the next
 * as the job executor would, and the messages that went out (delivery log, GreenMail, the SMS stub) and where each
 * run ended are compared with the scenario's expectations. A failing scenario fails with its differences, one per line.
 */
class JourneyScenariosIT extends JourneyEndToEnd {

    private static final Path SCENARIOS = Path.of("../workflows/tests");
    private static final Set<DeliveryLog.Status> WENT_OUT = Set.of(DeliveryLog.Status.SENT, DeliveryLog.Status.QUEUED);

    private final ObjectMapper json = new ObjectMapper();
    @Autowired
    RepositoryService repository;
    @Autowired
    JourneyReplay replay;

    @TestFactory
    Stream<DynamicTest> everyScenarioOfTheShippedJourneysPasses() throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(SCENARIOS)) {
            String only = System.getProperty("scenarios"); // -Dscenarios=abandoned-cart: that file only
            files = listed.filter(file -> file.toString().endsWith(".yaml"))
                    .filter(file -> only == null || only.isBlank() || file.getFileName().toString().equals(only + ".yaml")).sorted().toList();
        }
        assertThat(files).as("scenario files in workflows/tests").isNotEmpty();
        return files.stream().flatMap(file -> JourneyScenario.parse(file.getFileName().toString(), read(file)).stream())
                .map(scenario -> DynamicTest.dynamicTest(scenario.file() + ": " + scenario.name(), () -> {
                    List<String> differences = run(scenario);
                    assertThat(differences).as("%s: %s", scenario.file(), scenario.name()).isEmpty();
                }));
    }

    @Test
    void everyShippedJourneyHasScenarios() throws IOException {
        Set<String> tested;
        try (Stream<Path> listed = Files.list(SCENARIOS)) {
            tested = listed.filter(file -> file.toString().endsWith(".yaml"))
                    .flatMap(file -> JourneyScenario.parse(file.getFileName().toString(), read(file)).stream())
                    .map(JourneyScenario::journey).collect(Collectors.toSet());
        }
        Set<String> shipped;
        try (Stream<Path> listed = Files.list(Path.of("../workflows"))) {
            shipped = listed.filter(file -> file.toString().endsWith(".bpmn")).map(file -> {
                String text = read(file);
                int at = text.indexOf("<bpmn:process id=\"") + "<bpmn:process id=\"".length();
                return text.substring(at, text.indexOf('"', at));
            }).collect(Collectors.toSet());
        }
        assertThat(tested).containsAll(shipped);
    }

    @Test
    void aScenarioThatExpectsSomethingElseFailsWithItsDifferences() {
        JourneyScenario wrong = JourneyScenario.parse("wrong.yaml", """
                journey: abandonedCart
                scenarios:
                  - name: expects the reminder at the wrong time, with the wrong offer, and a goal that is not reached
                    customer: {timeZone: Europe/Berlin, traits: {firstName: Ada}}
                    events:
                      - at: day 0 10:00
                        type: cart_abandoned
                        properties: {cartId: k-1, total: 129.00, items: [{name: Linen dress, quantity: 1, price: 129.00}]}
                    expect:
                      messages:
                        - {at: day 0 10:30, channel: email, template: abandoned-cart-reminder, contains: free shipping}
                        - {channel: sms, template: crm-cart-abandoned}
                      end: End_Converted
                """).get(0);

        List<String> differences = run(wrong);

        assertThat(differences).hasSize(3);
        assertThat(differences.get(0)).startsWith("message 1: expected day 0 10:30 email abandoned-cart-reminder containing 'free shipping', "
                + "but sent day 0 11:00 email abandoned-cart-reminder (Send_ReminderEmail) with at day 0 11:00, content without 'free shipping': "
                + "'You left something in your cart");
        assertThat(differences.get(1)).isEqualTo("message 2: expected sms crm-cart-abandoned, but nothing more was sent");
        assertThat(differences.get(2)).isEqualTo("end: expected the journey to end at End_Converted, but it ended at End_ReminderSent");
    }

    /** Plays the scenario for a new customer and answers its differences (empty: it passed). */
    List<String> run(JourneyScenario scenario) {
        String customer = scenario.customerId("scenario-" + UUID.randomUUID(), repository.getBpmnModelInstance(repository
                .createProcessDefinitionQuery().processDefinitionKey(scenario.journey()).latestVersion().singleResult().getId()));
        String email = scenario.customer().email() != null ? scenario.customer().email() : customer + "@example.com";
        String phone = scenario.customer().phone() != null ? scenario.customer().phone()
                : "+49151" + ThreadLocalRandom.current().nextInt(10_000_000, 99_999_999);
        List<String> failures = new ArrayList<>();
        try {
            Instant first = scenario.events().get(0).at().instant(scenario.start(), scenario.customer().timeZone());
            ClockUtil.setCurrentTime(Date.from(first));
            Map<String, Object> profile = new HashMap<>();
            profile.put("timeZone", scenario.customer().timeZone().getId());
            profile.put("traits", scenario.customer().traits());
            profile.put("consents", scenario.customer().consents());
            send(customer, "profile_updated", Map.of("email", email, "phone", phone), profile);
            for (JourneyScenario.TimedEvent event : scenario.events()) {
                runJobsUntil(customer, event.at().instant(scenario.start(), scenario.customer().timeZone()), failures);
                send(customer, event.type(), Map.of(), event.properties());
            }
            runJobsUntil(customer, scenario.endInstant(), failures);
            return observed(scenario, customer, email, phone, failures);
        } finally {
            ClockUtil.reset();
        }
    }

    private void send(String customer, String type, Map<String, String> identities, Map<String, Object> properties) {
        Map<String, Object> event = new HashMap<>();
        event.put("type", type);
        event.put("customerId", customer);
        event.put("identities", identities);
        event.put("properties", properties);
        try {
            var answer = post("/api/events", json.writeValueAsString(event));
            assertThat(answer.statusCode()).as("%s: %s", type, answer.body()).isEqualTo(202);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the customer's due jobs up to {@code until}, of whichever journey, as the job executor would (see {@link JourneyReplay#runJobsUntil}). */
    private void runJobsUntil(String customer, Instant until, List<String> failures) {
        replay.runJobsUntil(until, () -> {
            Set<String> runs = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).list().stream()
                    .map(run -> run.getId()).collect(Collectors.toSet());
            return runs.isEmpty() ? management.createJobQuery().processInstanceId("no run of " + customer) : management.createJobQuery().processInstanceIds(runs);
        }, failures);
    }

    private List<String> observed(JourneyScenario scenario, String customer, String email, String phone, List<String> failures) {
        List<HistoricProcessInstance> runs = history.createHistoricProcessInstanceQuery().processDefinitionKey(scenario.journey())
                .processInstanceBusinessKey(customer).orderByProcessInstanceStartTime().asc().list();
        Set<String> runIds = runs.stream().map(HistoricProcessInstance::getId).collect(Collectors.toSet());
        List<String> ends = runs.stream().filter(run -> run.getEndTime() != null).map(replay::endEvent).toList();
        List<String> waiting = runs.stream().filter(run -> run.getEndTime() == null)
                .flatMap(run -> runtime.getActiveActivityIds(run.getId()).stream()).toList();
        List<String> sms = PROVIDERS.received(SMS_PATH).stream().map(request -> URLDecoder.decode(request.body(), StandardCharsets.UTF_8))
                .filter(body -> body.contains("To=" + phone)).toList();
        int smsSeen = 0;
        List<SentMessage> sent = new ArrayList<>();
        List<DeliveryLog.Entry> entries = new ArrayList<>(deliveries.forCustomer(customer));
        entries.sort(Comparator.comparing(DeliveryLog.Entry::createdAt));
        for (DeliveryLog.Entry entry : entries) {
            int colon = entry.idempotencyKey().indexOf(':');
            if (colon < 0 || !runIds.contains(entry.idempotencyKey().substring(0, colon)) || !WENT_OUT.contains(entry.status())) {
                continue;
            }
            String content = switch (entry.channel()) {
                case "email" -> emailContent(email, entry.messageId());
                case "sms" -> smsSeen < sms.size() ? sms.get(smsSeen++) : null;
                default -> null;
            };
            sent.add(new SentMessage(Time.of(entry.createdAt(), scenario.start(), scenario.customer().timeZone()),
                    entry.idempotencyKey().substring(colon + 1), entry.channel(), entry.template(), content));
        }
        List<String> differences = new ArrayList<>(failures);
        differences.addAll(scenario.differences(sent, ends, waiting));
        return differences;
    }

    private String emailContent(String address, String messageId) {
        return emailsTo(address).stream().filter(message -> messageId.equals(header(message))).findFirst()
                .map(message -> subject(message) + "\n" + GreenMailUtil.getBody(message)).orElse(null);
    }

    private static String header(MimeMessage message) {
        try {
            String[] values = message.getHeader("X-Touchpoint-Message-Id");
            return values == null ? null : Arrays.stream(values).findFirst().orElse(null);
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
