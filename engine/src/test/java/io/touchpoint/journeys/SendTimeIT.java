package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.channels.Channel;
import io.touchpoint.channels.EngagementLinks;
import io.touchpoint.channels.MessageRequest;
import io.touchpoint.channels.MessageService;
import io.touchpoint.decisions.SendTimes;

/**
 * "Send message" at the customer's best time within 24 hours, end to end: the customer's opens (through the real
 * open-pixel link, on earlier days) give the hour; a customer without any gets the population's best hour; quiet
 * hours still hold a best hour that falls inside them.
 */
class SendTimeIT extends JourneyEndToEnd {

    @Autowired
    MessageService messages;
    @Autowired
    EngagementLinks links;
    @Autowired
    SendTimes sendTimes;

    private LocalDate today;

    @BeforeEach
    void deployProbe() {
        today = LocalDate.ofInstant(start, zone);
        deploy("sendTimeProbe", "it_send_time_probe", "marketing", """
                <bpmn:serviceTask id="Send_AtBestTime" camunda:asyncBefore="true" camunda:delegateExpression="${sendMessageDelegate}">
                  <bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="channel">email</camunda:inputParameter>\
                <camunda:inputParameter name="template">welcome-1</camunda:inputParameter><camunda:inputParameter name="sendTime">bestTime</camunda:inputParameter>\
                <camunda:inputParameter name="sendWindow">PT24H</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>
                </bpmn:serviceTask>
                <bpmn:sequenceFlow id="Flow_2" sourceRef="Send_AtBestTime" targetRef="End" />
                """, "Send_AtBestTime");
    }

    @Test
    void aCustomerWhoOpensAroundSevenInTheEveningGetsTheMessageAtSevenAndOneWithoutHistoryAtThePopulationsBestHour() throws Exception {
        String evening = "evening-" + UUID.randomUUID() + "@example.com";
        String eveningCustomer = customer(evening, "\"firstName\": \"Eva\"");
        opens(eveningCustomer, 3, LocalTime.of(19, 7));
        for (int i = 0; i < 4; i++) {
            opens(customer("afternoon-" + UUID.randomUUID() + "@example.com", "\"firstName\": \"Ann\""), 4, LocalTime.of(14, 12));
        }
        ClockUtil.setCurrentTime(Date.from(start));
        sendTimes.forgetPopulation();
        assertThat(bestHour(sendTimes.populationHours(start))).as("the population's best local hour").isEqualTo(14);

        ProcessInstance learned = startProbe(eveningCustomer);
        assertThat(timer(learned).getDuedate().toInstant()).as("the customer's own hour").isEqualTo(local(today, 19));
        emailsTo(evening, 3); // the three messages the customer opened
        runDueJobs(learned.getId());
        assertThat(emailsTo(evening)).as("nothing new before the customer's hour").hasSize(3);
        after(Duration.between(start, local(today, 19)), learned.getId());
        assertThat(emailsTo(evening, 4)).extracting(mail -> mail.getSubject()).contains("Welcome to the shop");

        ClockUtil.setCurrentTime(Date.from(start));
        String newcomer = customer("new-" + UUID.randomUUID() + "@example.com", "\"firstName\": \"Nils\"");
        assertThat(timer(startProbe(newcomer)).getDuedate().toInstant()).as("no history: the population's best hour").isEqualTo(local(today, 14));
    }

    @Test
    void aBestHourInsideQuietHoursStillWaitsUntilTheyEnd() throws Exception {
        String owl = customer("owl-" + UUID.randomUUID() + "@example.com", "\"firstName\": \"Otto\"");
        opens(owl, 3, LocalTime.of(23, 20));
        ClockUtil.setCurrentTime(Date.from(start));
        assertThat(timer(startProbe(owl)).getDuedate().toInstant()).as("23:00 is quiet; 08:00 the next morning")
                .isEqualTo(local(today.plusDays(1), 8));
    }

    /** The customer opens a (transactional, uncapped) message on each of the last {@code days} days at {@code at} local time. */
    private void opens(String customerId, int days, LocalTime at) {
        for (int day = 1; day <= days; day++) {
            Instant opened = today.minusDays(day).atTime(at).atZone(zone).toInstant();
            ClockUtil.setCurrentTime(Date.from(opened.minus(Duration.ofMinutes(20))));
            String key = "send-time-" + UUID.randomUUID();
            messages.send(new MessageRequest(key, customerId, Channel.of("email"), "welcome-3", "transactional", Map.of()));
            String pixel = links.openPixelUrl(deliveries.find(key).orElseThrow().messageId());
            ClockUtil.setCurrentTime(Date.from(opened));
            assertThat(send(request(pixel.substring(pixel.indexOf("/m/"))).GET().build()).statusCode()).isEqualTo(200);
        }
    }

    private ProcessInstance startProbe(String customerId) {
        event("it_send_time_probe", customerId, "{}");
        ProcessInstance journey = journey("sendTimeProbe", customerId);
        assertThat(runtime.getActiveActivityIds(journey.getId())).containsExactly("Send_AtBestTime_WaitUntilSendAllowed");
        return journey;
    }

    private Job timer(ProcessInstance journey) {
        return management.createJobQuery().processInstanceId(journey.getId()).timers().singleResult();
    }

    private Instant local(LocalDate day, int hour) {
        return day.atTime(hour, 0).atZone(zone).toInstant();
    }

    private static int bestHour(int[] hours) {
        int best = 0;
        for (int hour = 1; hour < 24; hour++) {
            best = hours[hour] > hours[best] ? hour : best;
        }
        return best;
    }
}
