package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.mail.Message;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.channels.DeliveryLog.Status;

/**
 * The abandoned-cart journey's send step while SMTP is down: Camunda retries it (R3/PT1M), the last failure is an
 * incident; once SMTP is back, the operator's retry sends exactly one email and the journey ends. The same for 30
 * customers at once, their retries run by 10 threads as the job executor would: one email each, in one round.
 */
class SmtpOutageIT extends ChannelsIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    RepositoryService repository;

    @Test
    void smtpDownIsRetriedThenAnIncidentAndTheOperatorsRetrySendsExactlyOneEmail() throws Exception {
        String customer = customer("outage@example.com", null, Map.of("firstName", "Olga"), Map.of());
        post("/api/events", """
                {"type": "cart_abandoned", "customerId": "%s",
                 "properties": {"items": [{"name": "Linen dress", "quantity": 1, "price": 129.00}], "total": 129.00}}""".formatted(customer));
        String journey = runtime.createProcessInstanceQuery().processDefinitionKey("abandonedCart")
                .processInstanceBusinessKey(customer).singleResult().getId();
        fireTimers(journey);
        Job send = management.createJobQuery().processInstanceId(journey).singleResult();
        String key = journey + ":Send_ReminderEmail";

        SMTP.stop();
        int attempts = 0;
        try {
            while (management.createJobQuery().jobId(send.getId()).singleResult().getRetries() > 0) {
                attempts++;
                assertThatThrownBy(() -> management.executeJob(send.getId())).hasMessageContaining("not sent");
                assertThat(deliveries.status(key)).hasValue(Status.FAILED);
            }
        } finally {
            SMTP.start();
        }

        assertThat(attempts).as("three tries, as R3/PT1M says").isEqualTo(3);
        Incident incident = runtime.createIncidentQuery().processInstanceId(journey).singleResult();
        assertThat(incident.getActivityId()).isEqualTo("Send_ReminderEmail");
        assertThat(incident.getIncidentMessage()).contains("not sent");
        assertThat(deliveries.find(key)).get().extracting(DeliveryLog.Entry::reason).asString().contains("Connection refused");
        assertThat(SMTP.getReceivedMessages()).isEmpty();

        management.setJobRetries(send.getId(), 1); // what "Retry" in Cockpit or the REST API does
        management.executeJob(send.getId());

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(30)).until(() -> SMTP.getReceivedMessages().length == 1);
        assertThat(SMTP.getReceivedMessages()[0].getAllRecipients()[0].toString()).isEqualTo("outage@example.com");
        assertThat(deliveries.status(key)).hasValue(Status.SENT);
        assertThat(runtime.createIncidentQuery().processInstanceId(journey).count()).isZero();
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey).count()).as("the journey has ended").isZero();
        assertThat(messages.send(EmailDeliveryIT.reminder(key, customer)).status()).as("a later retry of the step sends nothing")
                .isEqualTo(Status.SENT);
        assertThat(SMTP.getReceivedMessages()).hasSize(1);
    }

    @Test
    void thirtyCustomersWhoseEmailsFailedWhileSmtpWasDownGetExactlyOneEachFromTheOperatorsRetryInOneRound() throws Exception {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("sendOnce").count() == 0) {
            repository.createDeployment().addString("send-once.bpmn", io.touchpoint.journeys.ModelerBpmn.saved(ExactlyOnceSendIT.SEND_ONCE)).deploy();
        }
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            customers.add(customer("outage-" + i + "@example.com", null, Map.of(), Map.of()));
        }
        List<String> jobs = new ArrayList<>();
        SMTP.stop();
        try {
            for (String customer : customers) {
                post("/api/events", "{\"type\": \"send_once\", \"customerId\": \"%s\"}".formatted(customer));
                String journey = runtime.createProcessInstanceQuery().processDefinitionKey("sendOnce")
                        .processInstanceBusinessKey(customer).singleResult().getId();
                String job = management.createJobQuery().processInstanceId(journey).singleResult().getId();
                jobs.add(job);
                while (management.createJobQuery().jobId(job).singleResult().getRetries() > 0) {
                    assertThatThrownBy(() -> management.executeJob(job)).hasMessageContaining("not sent");
                }
            }
        } finally {
            SMTP.start();
        }
        assertThat(runtime.createIncidentQuery().processDefinitionKeyIn("sendOnce").count()).isEqualTo(30);
        assertThat(SMTP.getReceivedMessages()).isEmpty();

        jobs.forEach(job -> management.setJobRetries(job, 1)); // the operator's "Retry" on every incident
        ExecutorService executor = Executors.newFixedThreadPool(10);
        try {
            List<Future<?>> round = new ArrayList<>();
            jobs.forEach(job -> round.add(executor.submit(() -> management.executeJob(job))));
            for (Future<?> execution : round) {
                execution.get(); // throws if any retry failed: one round
            }
        } finally {
            executor.shutdown();
        }

        Map<String, Long> received = Arrays.stream(SMTP.getReceivedMessages())
                .map(message -> { try { return message.getRecipients(Message.RecipientType.TO)[0].toString(); }
                                  catch (jakarta.mail.MessagingException e) { throw new IllegalStateException(e); } })
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(received).hasSize(30).allSatisfy((to, count) -> assertThat(count).as(to).isEqualTo(1L));
        assertThat(runtime.createIncidentQuery().processDefinitionKeyIn("sendOnce").count()).isZero();
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("sendOnce").count()).as("every journey has ended").isZero();
    }
}
