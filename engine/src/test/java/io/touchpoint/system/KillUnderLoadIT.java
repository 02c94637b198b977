package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * kill -9 under load: the packaged engine ({@code target/*.jar}, built by {@code package} before Failsafe runs) runs
 * as a process of its own on an H2 file database and a GreenMail SMTP server of this test. Three threads post
 * events (single and batches of 5), each starting a journey that waits a second and sends an email; the process is
 * SIGKILLed mid-load and mid-sending, then started again on the same files. Every event answered 202 is recorded,
 * its profile change is there, its customer has exactly one journey, and after the timers have fired nobody has
 * more than one email: a message claimed before the kill whose outcome was not recorded is UNKNOWN, an incident,
 * and not sent again.
 */
class KillUnderLoadIT extends KilledEngines {

    private static final Logger log = LoggerFactory.getLogger(KillUnderLoadIT.class);
    static final int LOAD_THREADS = 3;
    static final int EVENTS_PER_THREAD = 1000;
    static final int KILL_AFTER_ACCEPTED = 300;
    static final int KILL_AFTER_EMAILS = 20;


    final Map<String, String> accepted = new ConcurrentHashMap<>(); // event id → customer id

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES) // about 2 minutes on an idle 2-core machine; starts are slow on a busy one
    void everyEventAnswered202SurvivesSigkillWithItsProfileAndOneJourneyAndNoMessageIsSentTwice() throws Exception {
        smtp.start();
        writeJourney();
        PackagedEngine first = start("first");

        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(LOAD_THREADS);
        for (int t = 0; t < LOAD_THREADS; t++) {
            int thread = t;
            load.submit(() -> postEvents(first, thread, stop));
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> accepted.size() >= KILL_AFTER_ACCEPTED && smtp.getReceivedMessages().length >= KILL_AFTER_EMAILS);
        first.kill();
        int acceptedBeforeTheKill = accepted.size();
        int emailsBeforeTheKill = smtp.getReceivedMessages().length;
        stop.set(true);
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        log.info("Killed the engine after {} events answered 202 and {} emails", acceptedBeforeTheKill, emailsBeforeTheKill);
        assertThat(accepted).hasSize(acceptedBeforeTheKill);

        PackagedEngine second = start("second");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> jobsLeftToRun(second) == 0);
        second.stop();

        Set<String> customers = Set.copyOf(accepted.values());
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + home.resolve("data/touchpoint"), "sa", "")) {
            JdbcTemplate db = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
            Set<String> recorded = Set.copyOf(db.queryForList("select event_id from customer_event where event_id like 'kill-%'", String.class));
            assertThat(accepted.keySet()).as("every event answered 202 is recorded").allMatch(recorded::contains);

            Map<String, String> profiles = new HashMap<>();
            db.query("select customer_id, profile_json from customer_profile where customer_id like 'c-kill-%'",
                    (java.sql.ResultSet row) -> { profiles.put(row.getString(1), row.getString(2)); });
            assertThat(customers).as("every accepted event's profile change is there")
                    .allMatch(customer -> profiles.getOrDefault(customer, "").contains("\"plan\":\"" + customer + "\""));

            Map<String, Integer> journeys = new HashMap<>();
            db.query("select business_key_, count(*) from act_hi_procinst where proc_def_key_ = 'killTest' group by business_key_",
                    (java.sql.ResultSet row) -> { journeys.put(row.getString(1), row.getInt(2)); });
            assertThat(journeys.values()).as("no customer has two journeys").allMatch(count -> count == 1);
            assertThat(customers).as("every accepted event's journey is there").allMatch(journeys::containsKey);

            Map<String, Long> emails = Arrays.stream(smtp.getReceivedMessages()).map(KillUnderLoadIT::recipient)
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(emails).as("nobody got an email twice").allSatisfy((to, count) -> assertThat(count).as(to).isEqualTo(1L));

            Map<String, String> status = new HashMap<>();
            db.query("select customer_id, status from delivery_log where customer_id like 'c-kill-%'",
                    (java.sql.ResultSet row) -> { status.put(row.getString(1), row.getString(2)); });
            List<String> unknown = status.entrySet().stream().filter(e -> e.getValue().equals("UNKNOWN")).map(Map.Entry::getKey).toList();
            assertThat(customers).as("each accepted customer's email was sent, or is UNKNOWN (claimed when the engine was killed)")
                    .allMatch(customer -> emails.containsKey(address(customer)) && "SENT".equals(status.get(customer))
                            || "UNKNOWN".equals(status.get(customer)));
            assertThat(status.values()).as("no message is left claimed without an outcome, or failed")
                    .allMatch(s -> s.equals("SENT") || s.equals("UNKNOWN"));
            Set<String> incidents = Set.copyOf(db.queryForList("select e.business_key_ from act_ru_incident i join act_ru_execution e "
                    + "on e.id_ = i.proc_inst_id_ where i.activity_id_ = 'Send_Welcome'", String.class));
            assertThat(incidents).as("every UNKNOWN message is an incident of its step").containsAll(unknown);
            log.info("After the restart: {} accepted events, {} customers, {} emails, {} UNKNOWN", accepted.size(), customers.size(),
                    emails.size(), unknown.size());
        }
    }

    /** Posts new customers' events until told to stop or the engine is gone: three single events, then a batch of five. */
    private void postEvents(PackagedEngine engine, int thread, AtomicBoolean stop) {
        int n = 0;
        try {
            while (!stop.get() && n < EVENTS_PER_THREAD) {
                int size = n % 8 < 3 ? 1 : 5;
                List<String> ids = new ArrayList<>();
                List<String> events = new ArrayList<>();
                for (int i = 0; i < size; i++, n++) {
                    String customer = "c-kill-" + thread + "-" + n;
                    String eventId = "kill-" + thread + "-" + n;
                    ids.add(eventId);
                    events.add("""
                            {"eventId": "%s", "type": "trial_started", "customerId": "%s", "identities": {"email": "%s"},
                             "properties": {"traits": {"plan": "%s"}}}""".formatted(eventId, customer, address(customer), customer));
                }
                HttpResponse<String> answer = engine.post(size == 1 ? "/api/events" : "/api/events/batch",
                        size == 1 ? events.get(0) : "[" + String.join(",", events) + "]");
                if (answer.statusCode() == 202) {
                    for (String id : ids) {
                        if (answer.body().contains("\"" + id + "\"")) {
                            accepted.put(id, "c-kill-" + id.substring("kill-".length()));
                        }
                    }
                }
            }
        } catch (IOException gone) {
            // the engine was killed: requests in flight have no answer, so they were not accepted
        }
    }

    private int jobsLeftToRun(PackagedEngine engine) throws IOException {
        HttpResponse<String> answer = engine.get("/engine-rest/job/count?withRetriesLeft=true");
        return answer.statusCode() == 200 ? Integer.parseInt(answer.body().replaceAll("\\D", "")) : -1;
    }

    private void writeJourney() throws IOException {
        Path workflows = Files.createDirectories(home.resolve("workflows/templates"));
        Files.writeString(workflows.resolve("trial-welcome.en.yaml"), """
                channel: email
                category: transactional
                subject: "Your trial has started"
                text: "Hello, your trial has started."
                html: "<p>Hello, your trial has started.</p>"
                """);
        Files.writeString(workflows.getParent().resolve("kill-test.bpmn"), io.touchpoint.journeys.ModelerBpmn.saved("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_KillTest" targetNamespace="https://touchpoint.io/journeys/test">
                  <bpmn:message id="Message_TrialStarted" name="trial_started" />
                  <bpmn:process id="killTest" name="Kill test" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:startEvent id="Start_TrialStarted"><bpmn:outgoing>Flow_1</bpmn:outgoing>
                      <bpmn:messageEventDefinition messageRef="Message_TrialStarted" /></bpmn:startEvent>
                    <bpmn:intermediateCatchEvent id="Timer_OneSecond"><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
                      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1S</bpmn:timeDuration></bpmn:timerEventDefinition>
                    </bpmn:intermediateCatchEvent>
                    <bpmn:serviceTask id="Send_Welcome" name="Send welcome" camunda:asyncBefore="true" camunda:delegateExpression="${sendMessageDelegate}">
                      <bpmn:extensionElements>
                        <camunda:inputOutput>
                          <camunda:inputParameter name="channel">email</camunda:inputParameter>
                          <camunda:inputParameter name="template">trial-welcome</camunda:inputParameter>
                          <camunda:inputParameter name="category">transactional</camunda:inputParameter>
                        </camunda:inputOutput>
                        <camunda:failedJobRetryTimeCycle>R3/PT1S</camunda:failedJobRetryTimeCycle>
                      </bpmn:extensionElements>
                      <bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_3</bpmn:outgoing>
                    </bpmn:serviceTask>
                    <bpmn:endEvent id="End_Welcomed"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>
                    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_TrialStarted" targetRef="Timer_OneSecond" />
                    <bpmn:sequenceFlow id="Flow_2" sourceRef="Timer_OneSecond" targetRef="Send_Welcome" />
                    <bpmn:sequenceFlow id="Flow_3" sourceRef="Send_Welcome" targetRef="End_Welcomed" />
                  </bpmn:process>
                </bpmn:definitions>
                """));
    }

    private PackagedEngine start(String name) throws IOException {
        return start(name, "kill-under-load", List.of("--touchpoint.folders.workflows=file:" + home.resolve("workflows") + "/",
                        // the killed engine's job locks expire soon, so the restarted one takes its jobs over quickly
                        "--camunda.bpm.job-execution.lock-time-in-millis=30000",
                        "--camunda.bpm.job-execution.max-wait=1000"));
    }

    private static String address(String customer) {
        return customer + "@example.com";
    }

    private static String recipient(MimeMessage message) {
        try {
            return message.getRecipients(Message.RecipientType.TO)[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
