package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import io.touchpoint.EngineIT;
import io.touchpoint.channels.DeliveryLog.Status;

/**
 * A journey's "Send message" step under failure, run by the real job executor (10 threads) against a main
 * connection pool as small as the start check allows (12: 10 job threads + 1 HTTP intake thread + 1) with a short
 * pool timeout, real H2 and GreenMail: a transaction that fails after the provider accepted the message, 300
 * sending jobs at once, and a claim left without outcome (what a kill between send and commit leaves; the real
 * kill is {@code io.touchpoint.system.CrashIT}).
 */
@TestPropertySource(properties = {
        "camunda.bpm.process-engine-name=exactlyOnceTest",
        "camunda.bpm.job-execution.enabled=true",
        "camunda.bpm.job-execution.core-pool-size=10",
        "camunda.bpm.job-execution.max-pool-size=10",
        "camunda.bpm.job-execution.max-jobs-per-acquisition=10",
        "camunda.bpm.job-execution.wait-time-in-millis=200",
        "camunda.bpm.job-execution.max-wait=500",
        "touchpoint.events.http-threads=1",
        "spring.datasource.hikari.maximum-pool-size=12",
        "spring.datasource.hikari.connection-timeout=5000",
        // GreenMail in this JVM answers slowly on a busy machine; a reply later than this would be UNKNOWN, not a pool problem
        "spring.mail.properties.mail.smtp.timeout=60000"})
@Import(ExactlyOnceSendIT.FailAfterSend.class)
class ExactlyOnceSendIT extends EngineIT {

    static final String SEND_STEP = "Send_Once";
    /** Customers whose send step's transaction fails once, after the message was handed to SMTP. */
    static final Set<String> FAIL_ONCE_AFTER_SEND = ConcurrentHashMap.newKeySet();
    static final AtomicInteger FAILED_AFTER_SEND = new AtomicInteger();

    @Autowired
    RepositoryService repository;
    @Autowired
    RuntimeService runtime;
    @Autowired
    HistoryService history;
    @Autowired
    DeliveryLog deliveries;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    HikariDataSource pool;
    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void deployTheTestJourneys() {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("sendOnce").count() == 0) {
            repository.createDeployment().addString("send-once.bpmn", io.touchpoint.journeys.ModelerBpmn.saved(SEND_ONCE)).addString("unknown-outcome.bpmn", io.touchpoint.journeys.ModelerBpmn.saved(UNKNOWN_OUTCOME)).deploy();
        }
    }

    @Test
    void aTransactionThatFailsAfterTheProviderAcceptedTheMessageIsRetriedWithoutSendingAgain() {
        String customer = customer();
        FAIL_ONCE_AFTER_SEND.add(customer);
        int failedBefore = FAILED_AFTER_SEND.get();

        assertThat(post("/api/events", event("send_once", customer)).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> journeyEnded("sendOnce", customer));
        assertThat(FAILED_AFTER_SEND.get() - failedBefore).as("the step's transaction failed once after the send").isEqualTo(1);
        assertThat(emailsTo(customer)).as("the retry did not send again").isEqualTo(1);
        assertThat(deliveries.find(key("sendOnce", customer))).get().extracting(DeliveryLog.Entry::status).isEqualTo(Status.SENT);
    }

    @Test
    void threeHundredSendingJobsAtOnceNeitherRunOutOfConnectionsNorSendTwice() {
        assertThat(pool.getMaximumPoolSize()).isEqualTo(12);
        double timeoutsBefore = poolTimeouts();
        List<String> customers = new ArrayList<>();
        for (int batch = 0; batch < 6; batch++) {
            List<String> profiles = new ArrayList<>();
            List<String> triggers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String customer = "c-many-" + UUID.randomUUID();
                customers.add(customer);
                profiles.add(profileEvent(customer));
                triggers.add(event("send_once", customer));
            }
            assertThat(post("/api/events/batch", "[" + String.join(",", profiles) + "]").statusCode()).isEqualTo(202);
            // each batch starts 50 journeys whose send jobs the 10 job threads take while the next batches come in
            assertThat(post("/api/events/batch", "[" + String.join(",", triggers) + "]").statusCode()).isEqualTo(202);
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> customers.stream().allMatch(c -> journeyEnded("sendOnce", c)));
        Map<String, Long> received = emailsByRecipient();
        assertThat(customers).allSatisfy(customer -> assertThat(received.get(address(customer))).as(customer).isEqualTo(1L));
        assertThat(runtime.createIncidentQuery().processDefinitionKeyIn("sendOnce").count()).isZero();
        assertThat(poolTimeouts() - timeoutsBefore).as("connection pool timeouts").isZero();
        assertThat(jdbc.queryForObject("select count(*) from delivery_log where customer_id like 'c-many-%' and status <> 'SENT'",
                Integer.class)).isZero();
    }

    @Test
    void aMessageClaimedByATryThatNeverRecordedItsOutcomeIsNotSentAgainButAnIncidentTheOperatorResolves() {
        String customer = customer();
        assertThat(post("/api/events", event("unknown_outcome_start", customer)).statusCode()).isEqualTo(202);
        String journey = runtime.createProcessInstanceQuery().processDefinitionKey("unknownOutcome")
                .processInstanceBusinessKey(customer).singleResult().getId();
        String key = journey + ":" + SEND_STEP;
        // what a try that was killed between handing the message to SMTP and recording it leaves behind
        Timestamp then = Timestamp.from(Instant.now().minusSeconds(60));
        jdbc.update("insert into delivery_log (idempotency_key, message_id, customer_id, channel, template, category, recipient, "
                + "status, created_at, updated_at) values (?, ?, ?, 'email', 'welcome-1', 'transactional', ?, 'QUEUED', ?, ?)",
                key, UUID.randomUUID().toString(), customer, address(customer), then, then);

        assertThat(post("/api/events", event("unknown_outcome_go", customer)).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.createIncidentQuery().processInstanceId(journey).count() == 1);
        Incident incident = runtime.createIncidentQuery().processInstanceId(journey).singleResult();
        assertThat(incident.getActivityId()).isEqualTo(SEND_STEP);
        assertThat(incident.getIncidentMessage()).contains("may have been sent");
        Job job = management.createJobQuery().processInstanceId(journey).singleResult();
        assertThat(job.getRetries()).as("no retries: an incident at once").isZero();
        assertThat(deliveries.status(key)).hasValue(Status.UNKNOWN);
        assertThat(emailsTo(customer)).isZero();

        assertThat(put("/api/console/messages/" + key + "/outcome", "{\"status\": \"SENT\"}").statusCode())
                .as("the operator found it at the provider").isEqualTo(200);
        management.setJobRetries(job.getId(), 1); // the operator's retry
        await().atMost(Duration.ofSeconds(30)).until(() -> journeyEnded("unknownOutcome", customer));
        assertThat(emailsTo(customer)).as("resolved as sent: the journey goes on without sending").isZero();
        assertThat(put("/api/console/messages/" + key + "/outcome", "{\"status\": \"FAILED\"}").statusCode()).isEqualTo(409);
    }

    private java.net.http.HttpResponse<String> put(String path, String json) {
        return send(request(path).header("Authorization", basic(USER, PASSWORD)).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private String customer() {
        String customer = "c-once-" + UUID.randomUUID();
        assertThat(post("/api/events", profileEvent(customer)).statusCode()).isEqualTo(202);
        return customer;
    }

    private static String profileEvent(String customer) {
        return """
                {"type": "profile_updated", "customerId": "%s", "identities": {"email": "%s"}}""".formatted(customer, address(customer));
    }

    private static String event(String type, String customer) {
        return """
                {"type": "%s", "customerId": "%s"}""".formatted(type, customer);
    }

    private static String address(String customer) {
        return customer + "@example.com";
    }

    private String key(String processKey, String customer) {
        return history.createHistoricProcessInstanceQuery().processDefinitionKey(processKey).processInstanceBusinessKey(customer)
                .singleResult().getId() + ":" + SEND_STEP;
    }

    private boolean journeyEnded(String processKey, String customer) {
        return history.createHistoricProcessInstanceQuery().processDefinitionKey(processKey).processInstanceBusinessKey(customer)
                .finished().count() == 1;
    }

    private long emailsTo(String customer) {
        return emailsByRecipient().getOrDefault(address(customer), 0L);
    }

    private static Map<String, Long> emailsByRecipient() {
        return Arrays.stream(SMTP.getReceivedMessages()).map(ExactlyOnceSendIT::recipient)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String recipient(MimeMessage message) {
        try {
            return message.getRecipients(Message.RecipientType.TO)[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private double poolTimeouts() {
        var counter = meters.find("hikaricp.connections.timeout").tag("pool", pool.getPoolName()).counter();
        assertThat(counter).as("Hikari's timeout counter").isNotNull();
        return counter.count();
    }

    /** Fails the send step's transaction once, after the message was handed to SMTP, for the customers listed. */
    @TestConfiguration
    static class FailAfterSend {

        @Bean
        AbstractProcessEnginePlugin failAfterSendPlugin() {
            ExecutionListener failOnce = execution -> {
                if (FAIL_ONCE_AFTER_SEND.remove(execution.getBusinessKey())) {
                    FAILED_AFTER_SEND.incrementAndGet();
                    throw new IllegalStateException("the transaction fails after the provider accepted the message");
                }
            };
            return new AbstractProcessEnginePlugin() {
                @Override
                public void preInit(ProcessEngineConfigurationImpl configuration) {
                    if (configuration.getCustomPostBPMNParseListeners() == null) {
                        configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
                    }
                    configuration.getCustomPostBPMNParseListeners().add(new AbstractBpmnParseListener() {
                        @Override
                        public void parseServiceTask(Element element, ScopeImpl scope, ActivityImpl activity) {
                            if (SEND_STEP.equals(activity.getId())) {
                                activity.addListener(ExecutionListener.EVENTNAME_END, failOnce);
                            }
                        }
                    });
                }
            };
        }
    }

    private static final String SEND_TASK = """
            <bpmn:serviceTask id="Send_Once" name="Send once" camunda:asyncBefore="true" camunda:delegateExpression="${sendMessageDelegate}">
              <bpmn:extensionElements>
                <camunda:inputOutput>
                  <camunda:inputParameter name="channel">email</camunda:inputParameter>
                  <camunda:inputParameter name="template">welcome-1</camunda:inputParameter>
                  <camunda:inputParameter name="category">transactional</camunda:inputParameter>
                </camunda:inputOutput>
                <camunda:failedJobRetryTimeCycle>R3/PT1S</camunda:failedJobRetryTimeCycle>
              </bpmn:extensionElements>
              <bpmn:incoming>%s</bpmn:incoming>
              <bpmn:outgoing>%s</bpmn:outgoing>
            </bpmn:serviceTask>""";

    static final String SEND_ONCE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                              id="Definitions_SendOnce" targetNamespace="https://touchpoint.io/journeys/test">
              <bpmn:message id="Message_SendOnce" name="send_once" />
              <bpmn:process id="sendOnce" name="Send once" isExecutable="true" camunda:historyTimeToLive="1">
                <bpmn:startEvent id="Start_SendOnce"><bpmn:outgoing>Flow_1</bpmn:outgoing>
                  <bpmn:messageEventDefinition messageRef="Message_SendOnce" /></bpmn:startEvent>
                %s
                <bpmn:endEvent id="End_Sent"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
                <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_SendOnce" targetRef="Send_Once" />
                <bpmn:sequenceFlow id="Flow_2" sourceRef="Send_Once" targetRef="End_Sent" />
              </bpmn:process>
            </bpmn:definitions>
            """.formatted(SEND_TASK.formatted("Flow_1", "Flow_2"));

    static final String UNKNOWN_OUTCOME = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                              id="Definitions_UnknownOutcome" targetNamespace="https://touchpoint.io/journeys/test">
              <bpmn:message id="Message_UnknownStart" name="unknown_outcome_start" />
              <bpmn:message id="Message_UnknownGo" name="unknown_outcome_go" />
              <bpmn:process id="unknownOutcome" name="Unknown outcome" isExecutable="true" camunda:historyTimeToLive="1">
                <bpmn:startEvent id="Start_Unknown"><bpmn:outgoing>Flow_3</bpmn:outgoing>
                  <bpmn:messageEventDefinition messageRef="Message_UnknownStart" /></bpmn:startEvent>
                <bpmn:intermediateCatchEvent id="Catch_Go"><bpmn:incoming>Flow_3</bpmn:incoming><bpmn:outgoing>Flow_4</bpmn:outgoing>
                  <bpmn:messageEventDefinition messageRef="Message_UnknownGo" /></bpmn:intermediateCatchEvent>
                %s
                <bpmn:endEvent id="End_Unknown"><bpmn:incoming>Flow_5</bpmn:incoming></bpmn:endEvent>
                <bpmn:sequenceFlow id="Flow_3" sourceRef="Start_Unknown" targetRef="Catch_Go" />
                <bpmn:sequenceFlow id="Flow_4" sourceRef="Catch_Go" targetRef="Send_Once" />
                <bpmn:sequenceFlow id="Flow_5" sourceRef="Send_Once" targetRef="End_Unknown" />
              </bpmn:process>
            </bpmn:definitions>
            """.formatted(SEND_TASK.formatted("Flow_4", "Flow_5"));
}
