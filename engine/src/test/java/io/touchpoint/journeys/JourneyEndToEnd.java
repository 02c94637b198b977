package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.touchpoint.EngineIT;
import io.touchpoint.channels.DeliveryLog;
import io.touchpoint.channels.ProviderStub;

/**
 * Base of the end-to-end tests of the shipped journeys: the whole application (GreenMail for email, {@link ProviderStub}
 * for SMS and webhooks), events in through {@code POST /api/events}, time moved with the engine clock and the due jobs
 * executed as the job executor would. Each customer lives in a time zone where the test starts at about 10:00 local
 * time, so the quiet hours and caps the test meets are the ones it means, whenever it runs. The application's clock
 * follows the engine clock, so the delivery log (and so the caps) sees the moved time too.
 */
// the learning offers draw from a seeded generator, so a run of the learning tests can be repeated
@TestPropertySource(properties = {"camunda.bpm.process-engine-name=journeysEndToEnd", "touchpoint.learning.seed=20"})
@Import(JourneyEndToEnd.FollowEngineClock.class)
abstract class JourneyEndToEnd extends EngineIT {

    /** The application's clock follows the engine clock here, so the delivery log (and so the caps) sees moved time too. */
    @TestConfiguration
    static class FollowEngineClock {
        @Bean
        @Primary
        Clock engineClock() {
            return new EngineClock();
        }
    }

    static final ProviderStub PROVIDERS = new ProviderStub();
    static final String SMS_PATH = "/2010-04-01/Accounts/ACtest0001/Messages.json";

    @Autowired
    RuntimeService runtime;
    @Autowired
    HistoryService history;
    @Autowired
    DeliveryLog deliveries;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RepositoryService repository;

    /** The engine clock's start: the real now. */
    Instant start;
    /** A zone where {@link #start} is between 10:00 and 11:00 local time. */
    ZoneOffset zone;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("touchpoint.channels.sms.url", PROVIDERS::url);
        registry.add("touchpoint.channels.sms.account-sid", () -> "ACtest0001");
        registry.add("touchpoint.channels.sms.auth-token", () -> "stub-auth-token");
        registry.add("touchpoint.channels.webhook.url", () -> PROVIDERS.url() + "/webhook");
    }

    @BeforeEach
    void startTheClock() {
        PROVIDERS.reset();
        PROVIDERS.answer(SMS_PATH, 201, "{\"sid\": \"SM-e2e\", \"status\": \"queued\"}");
        start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        zone = daytimeZone(start);
        ClockUtil.setCurrentTime(Date.from(start));
    }

    /** A zone where {@code moment} is between 10:00 and 11:00 local time: no quiet hours then, whenever a test runs. */
    static ZoneOffset daytimeZone(Instant moment) {
        int hoursAhead = Math.floorMod(10 - moment.atZone(ZoneOffset.UTC).getHour(), 24);
        return ZoneOffset.ofHours(hoursAhead > 14 ? hoursAhead - 24 : hoursAhead);
    }

    @AfterEach
    void resetTheClock() {
        ClockUtil.reset();
    }

    /** Moves the engine clock to {@code start + offset} and executes every job due by then, as the job executor would. */
    void after(Duration offset, String processInstanceId) {
        ClockUtil.setCurrentTime(Date.from(start.plus(offset)));
        runDueJobs(processInstanceId);
    }

    void runDueJobs(String processInstanceId) {
        for (int round = 0; round < 20; round++) {
            List<Job> due = management.createJobQuery().processInstanceId(processInstanceId).executable().list();
            if (due.isEmpty()) {
                return;
            }
            due.forEach(job -> management.executeJob(job.getId()));
        }
        throw new IllegalStateException("jobs of " + processInstanceId + " keep coming after 20 rounds");
    }

    /** A new customer in {@link #zone} with an email address, a phone number and the given traits (JSON object members). */
    String customer(String email, String traits) {
        return customer("c-" + UUID.randomUUID(), email, traits);
    }

    /** The same with a given customer id. */
    String customer(String id, String email, String traits) {
        assertThat(post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "identities": {"email": "%s", "phone": "+4915112345678"},
                 "properties": {"timeZone": "%s", "traits": {%s}}}""".formatted(id, email, zone.getId(), traits)).statusCode()).isEqualTo(202);
        return id;
    }

    void event(String type, String customerId, String properties) {
        assertThat(post("/api/events", """
                {"type": "%s", "customerId": "%s", "properties": %s}""".formatted(type, customerId, properties)).statusCode()).isEqualTo(202);
    }

    ProcessInstance journey(String processKey, String customerId) {
        return runtime.createProcessInstanceQuery().processDefinitionKey(processKey).processInstanceBusinessKey(customerId).singleResult();
    }

    /** The emails GreenMail received for one address, waiting (bounded) until there are {@code count}. */
    List<MimeMessage> emailsTo(String address, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> emailsTo(address).size() >= count);
        List<MimeMessage> emails = emailsTo(address);
        assertThat(emails).hasSize(count);
        return emails;
    }

    List<MimeMessage> emailsTo(String address) {
        return Arrays.stream(SMTP.getReceivedMessages()).filter(m -> {
            try {
                return m.getAllRecipients()[0].toString().equals(address);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    boolean passed(ProcessInstance journey, String activityId) {
        return history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId(activityId).finished().count() == 1;
    }

    /** The journey_goal rows of a run (journey_key, goal_activity_id, event_type, customer_id): one when it reached its goal. */
    List<Map<String, Object>> goalsOf(ProcessInstance journey) {
        return jdbc.queryForList("select journey_key, goal_activity_id, event_type, customer_id from journey_goal where process_instance_id = ?",
                journey.getId()).stream().map(row -> row.entrySet().stream()
                        .collect(Collectors.toMap(column -> column.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue))).toList();
    }

    boolean waitsAt(ProcessInstance journey, String activityId) {
        return runtime.createExecutionQuery().processInstanceId(journey.getId()).activityId(activityId).count() == 1;
    }

    boolean ended(ProcessInstance journey) {
        return runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).count() == 0;
    }

    /**
     * Deploys a probe journey once per context: message start event {@code startEvent}, the journey's category,
     * re-entry always, several runs at once, {@code steps} from the start to the end event {@code End}.
     */
    void deploy(String key, String startEvent, String category, String steps, String firstStep) {
        if (repository.createProcessDefinitionQuery().processDefinitionKey(key).count() > 0) {
            return;
        }
        repository.createDeployment().addString(key + ".bpmn", ModelerBpmn.saved("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_%1$s" targetNamespace="https://touchpoint.io/journeys">
                  <bpmn:message id="Message_Start" name="%2$s" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:extensionElements><camunda:properties><camunda:property name="category" value="%3$s" />\
                <camunda:property name="reentry" value="always" /><camunda:property name="singleActive" value="false" /></camunda:properties></bpmn:extensionElements>
                    <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="%5$s" />
                    %4$s
                    <bpmn:endEvent id="End" />
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, startEvent, category, steps, firstStep))).deploy();
    }
}
