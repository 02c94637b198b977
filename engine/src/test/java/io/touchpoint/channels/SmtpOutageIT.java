package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.channels.DeliveryLog.Status;

/**
 * The abandoned-cart journey's send step while SMTP is down: Camunda retries it (R3/PT1M), the last failure is an
 * incident; once SMTP is back, the operator's retry sends exactly one email and the journey ends.
 */
class SmtpOutageIT extends ChannelsIT {

    @Autowired
    RuntimeService runtime;

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
}
