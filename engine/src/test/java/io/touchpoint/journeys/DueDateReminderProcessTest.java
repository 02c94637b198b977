package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.time.Instant;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * workflows/due-date-reminder.bpmn: waits until 21 days before the expected delivery date at 09:00 in the
 * customer's time zone, then the rules choose the offer.
 */
@Deployment(resources = "touchpoint/workflows/due-date-reminder.bpmn")
class DueDateReminderProcessTest extends JourneyProcessTestSupport {

    @RegisterExtension
    static final ProcessEngineExtension engine = engine();

    @Test
    void aFirstPregnancyIsRemindedThreeWeeksBeforeAt9InHerTimeZoneWithAPersonalAssistant() {
        now("2027-01-10T12:00:00Z");
        profile("c-ana", "America/New_York", Map.of("expectedDeliveryDate", "2027-03-01", "firstPregnancy", true));
        ProcessInstance journey = start("due_date_set", "c-ana", Map.of());

        assertThat(journey).isWaitingAt("Wait_ThreeWeeksBeforeDueDate");
        assertThat(job(journey).getDuedate().toInstant()).as("2027-02-08 09:00 in New York (EST, UTC-5)")
                .isEqualTo(Instant.parse("2027-02-08T14:00:00Z"));

        now("2027-02-08T14:00:00Z");
        execute(job(journey));
        assertThat(journey).hasPassed("Decide_HospitalBagOffer").isWaitingAt("Send_PersonalAssistantOffer");
        assertThat(journey).variables().extractingByKey("offer")
                .isEqualTo(Map.of("code", "personalAssistant", "text", "a personal assistant who packs the hospital bag with you"));
        execute(job(journey));

        assertThat(journey).hasPassed("End_Reminded").hasNotPassed("Send_ReadyMadeBagOffer").isEnded();
        org.assertj.core.api.Assertions.assertThat(sent).containsExactly("Send_PersonalAssistantOffer:email:hospital-bag-personal-assistant:marketing");
        org.assertj.core.api.Assertions.assertThat(variables.get(0)).extractingByKey("offer")
                .isEqualTo(Map.of("code", "personalAssistant", "text", "a personal assistant who packs the hospital bag with you"));
        org.assertj.core.api.Assertions.assertThat(rendered(0, "en").text()).contains("we offer you a personal assistant who packs the hospital bag with you.");
    }

    @Test
    void orderingAHospitalBagMidWaitEndsTheJourneyAtTheGoal() {
        now("2027-01-10T12:00:00Z");
        profile("c-orders", "Europe/Berlin", Map.of("expectedDeliveryDate", "2027-03-01"));
        ProcessInstance journey = start("due_date_set", "c-orders", Map.of());
        assertThat(journey).isWaitingAt("Wait_ThreeWeeksBeforeDueDate");

        runtimeService().createMessageCorrelation("hospital_bag_ordered").processInstanceBusinessKey("c-orders").correlate();

        assertThat(journey).hasPassed("Start_BagOrdered", "End_BagOrdered").hasNotPassed("Decide_HospitalBagOffer").isEnded();
        assertThat(managementService().createJobQuery().processInstanceId(journey.getId()).count()).as("no timer is left").isZero();
    }

    @Test
    void otherCustomersAreOfferedTheReadyMadeBag() {
        now("2027-01-10T12:00:00Z");
        profile("c-bea", "Europe/Berlin", Map.of("expectedDeliveryDate", "2027-03-01"));
        ProcessInstance journey = start("due_date_set", "c-bea", Map.of());

        now("2027-02-08T08:00:00Z");
        execute(job(journey));
        execute(job(journey));

        assertThat(journey).hasPassed("Send_ReadyMadeBagOffer", "End_Reminded").isEnded();
        org.assertj.core.api.Assertions.assertThat(rendered(0, "en").text()).contains("Short on time? Take our ready-made hospital bag.");
    }

    @Test
    void nineOClockStaysNineOClockAcrossTheDaylightSavingChange() {
        now("2027-01-10T12:00:00Z");
        profile("c-before", "Europe/Berlin", Map.of("expectedDeliveryDate", "2027-04-17"));
        profile("c-after", "Europe/Berlin", Map.of("expectedDeliveryDate", "2027-04-18"));

        ProcessInstance before = start("due_date_set", "c-before", Map.of());
        ProcessInstance after = start("due_date_set", "c-after", Map.of());

        assertThat(job(before).getDuedate().toInstant()).as("27 March: CET, UTC+1").isEqualTo(Instant.parse("2027-03-27T08:00:00Z"));
        assertThat(job(after).getDuedate().toInstant()).as("28 March: CEST, UTC+2").isEqualTo(Instant.parse("2027-03-28T07:00:00Z"));
    }

    @Test
    void withoutADueDateTheCustomerWaitsUntilOneArrives() {
        now("2027-01-10T12:00:00Z");
        profile("c-unknown", "Europe/Berlin", Map.of());
        ProcessInstance journey = start("due_date_set", "c-unknown", Map.of());

        assertThat(journey).isWaitingAt("Wait_ThreeWeeksBeforeDueDate");
        assertThat(job(journey).getDuedate().toInstant()).isEqualTo(ProfileDateWaits.NOT_YET_KNOWN);
    }
}
