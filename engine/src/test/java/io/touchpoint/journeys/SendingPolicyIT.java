package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Date;
import java.util.UUID;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The one sending path end to end: journeys built from the Send message block, deployed as Camunda Modeler deploys
 * them, wait on a timer (visible in the engine) until the sending policy allows them: quiet hours until 08:00 local,
 * the marketing cap of one a day until the next morning; a transactional message (here by the journey's category)
 * is neither held nor capped.
 */
class SendingPolicyIT extends JourneyEndToEnd {

    @BeforeEach
    void deployProbes() {
        deploy("policyProbe", "it_policy_probe", "marketing", """
                <bpmn:serviceTask id="Send_First" camunda:asyncBefore="true" camunda:delegateExpression="${sendMessageDelegate}">%s</bpmn:serviceTask>
                <bpmn:sequenceFlow id="Flow_2" sourceRef="Send_First" targetRef="Send_Second" />
                <bpmn:serviceTask id="Send_Second" camunda:asyncBefore="true" camunda:delegateExpression="${sendMessageDelegate}">%s</bpmn:serviceTask>
                <bpmn:sequenceFlow id="Flow_3" sourceRef="Send_Second" targetRef="End" />
                """.formatted(inputs("welcome-1", "journey"), inputs("welcome-2a", "marketing")), "Send_First");
        deploy("receiptProbe", "it_receipt_probe", "transactional", """
                <bpmn:serviceTask id="Send_Receipt" camunda:asyncBefore="true" camunda:delegateExpression="${sendMessageDelegate}">%s</bpmn:serviceTask>
                <bpmn:sequenceFlow id="Flow_2" sourceRef="Send_Receipt" targetRef="End" />
                """.formatted(inputs("welcome-3", "journey")), "Send_Receipt");
    }

    @Test
    void aMarketingMessageInsideQuietHoursWaitsOnATimerUntilEightLocalAndASecondOneThatDayUntilTheNextMorning() throws Exception {
        String email = "night-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Nina\"");
        Instant lateEvening = start.plus(Duration.ofHours(12)); // 22:xx local
        ClockUtil.setCurrentTime(Date.from(lateEvening));

        event("it_policy_probe", customer, "{}");
        ProcessInstance journey = journey("policyProbe", customer);

        LocalDate nextDay = LocalDate.ofInstant(lateEvening, zone).plusDays(1);
        Instant eightNextMorning = nextDay.atTime(LocalTime.of(8, 0)).atZone(zone).toInstant();
        assertThat(waitingAt(journey)).isEqualTo("Send_First_WaitUntilSendAllowed");
        assertThat(timer(journey).getDuedate().toInstant()).isEqualTo(eightNextMorning);
        runDueJobs(journey.getId());
        assertThat(emailsTo(email)).as("nothing during quiet hours").isEmpty();

        after(Duration.between(start, eightNextMorning), journey.getId());
        assertThat(emailsTo(email, 1).get(0).getSubject()).isEqualTo("Welcome to the shop");
        assertThat(waitingAt(journey)).as("the cap: one marketing message a day").isEqualTo("Send_Second_WaitUntilSendAllowed");
        Instant eightTheDayAfter = eightNextMorning.plus(Duration.ofDays(1));
        assertThat(timer(journey).getDuedate().toInstant()).isEqualTo(eightTheDayAfter);

        after(Duration.between(start, eightTheDayAfter), journey.getId());
        assertThat(emailsTo(email, 2).get(1).getSubject()).isEqualTo("Our best sellers, picked for you");
        assertThat(ended(journey)).isTrue();
    }

    @Test
    void aTransactionalMessageIsNeitherHeldByQuietHoursNorCapped() throws Exception {
        String email = "receipt-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Rita\"");
        event("it_policy_probe", customer, "{}");
        ProcessInstance marketing = journey("policyProbe", customer);
        runDueJobs(marketing.getId());
        emailsTo(email, 1);
        assertThat(waitingAt(marketing)).as("the second marketing email is capped").isEqualTo("Send_Second_WaitUntilSendAllowed");

        ClockUtil.setCurrentTime(Date.from(start.plus(Duration.ofHours(12)))); // 22:xx local, the marketing cap reached
        event("it_receipt_probe", customer, "{}");
        ProcessInstance receipt = journey("receiptProbe", customer);
        assertThat(timer(receipt)).as("no wait").isNull();
        runDueJobs(receipt.getId());

        assertThat(emailsTo(email, 2).get(1).getSubject()).isEqualTo("A welcome gift for your first order");
        assertThat(ended(receipt)).isTrue();
        assertThat(deliveries.forCustomer(customer)).anySatisfy(entry -> {
            assertThat(entry.template()).isEqualTo("welcome-3");
            assertThat(entry.category()).as("the journey's category").isEqualTo("transactional");
        });
    }

    private String waitingAt(ProcessInstance journey) {
        return runtime.getActiveActivityIds(journey.getId()).get(0);
    }

    private Job timer(ProcessInstance journey) {
        return management.createJobQuery().processInstanceId(journey.getId()).timers().singleResult();
    }

    private static String inputs(String template, String category) {
        return """
                <bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="channel">email</camunda:inputParameter>\
                <camunda:inputParameter name="template">%s</camunda:inputParameter><camunda:inputParameter name="category">%s</camunda:inputParameter>\
                </camunda:inputOutput></bpmn:extensionElements>""".formatted(template, category);
    }
}
