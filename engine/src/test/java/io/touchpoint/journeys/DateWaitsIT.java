package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * "Wait until date" through the whole application, journeys deployed as Camunda Modeler deploys them: a date from
 * the starting event with an offset in hours, re-planned by new event data, PATCH, the Update profile block and a merge.
 */
class DateWaitsIT extends JourneyIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    JourneyDispatcher dispatcher;

    @BeforeEach
    void deployJourneys() {
        if (!deployed) {
            assertThat(deployOverRest("flight-reminder.bpmn", ModelerBpmn.saved(FLIGHT_REMINDER)).statusCode()).isEqualTo(200);
            assertThat(deployOverRest("date-setter.bpmn", ModelerBpmn.saved(DATE_SETTER)).statusCode()).isEqualTo(200);
            deployed = true;
        }
    }

    private static boolean deployed;

    @Test
    void twentyFourHoursBeforeTheDepartureOfTheStartingEvent() {
        String customer = customer();
        event("it_dates_flight_booked", customer, "{\"bookingRef\": \"G-1\", \"departureAt\": \"2030-12-01T08:00:00Z\"}");

        ProcessInstance journey = journey("flightReminder", customer);
        assertThat(timer(journey)).isEqualTo(Instant.parse("2030-11-30T08:00:00Z"));
    }

    @Test
    void newEventDataRePlansTheWait() {
        String customer = customer();
        event("it_dates_flight_booked", customer, "{\"departureAt\": \"2030-12-01T08:00:00Z\"}");
        ProcessInstance journey = journey("flightReminder", customer);

        runtime.setVariable(journey.getId(), JourneyDispatcher.TRIGGER, Variables.objectValue(
                Map.of("type", "it_dates_flight_booked", "properties", Map.of("departureAt", "2030-12-03T18:30:00Z"))).create());
        dispatcher.replanDateWaits(customer, journey.getId());

        assertThat(timer(journey)).isEqualTo(Instant.parse("2030-12-02T18:30:00Z"));
    }

    @Test
    void aPatchOfTheProfileRePlansTheWait() {
        String customer = customer();
        event("due_date_set", customer, "{\"timeZone\": \"Europe/Berlin\", \"traits\": {\"expectedDeliveryDate\": \"2030-03-01\"}}");
        ProcessInstance journey = journey("dueDateReminder", customer);
        assertThat(timer(journey)).isEqualTo(Instant.parse("2030-02-08T08:00:00Z"));

        HttpResponse<String> patched = send(request("/api/customers/" + customer + "/attributes").header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"expectedDeliveryDate\": \"2030-04-21\"}")).build());

        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(timer(journey)).as("21 days before 21 April: 31 March, 09:00 CEST").isEqualTo(Instant.parse("2030-03-31T07:00:00Z"));
    }

    @Test
    void theUpdateProfileBlockRePlansTheWait() {
        String customer = customer();
        event("due_date_set", customer, "{\"timeZone\": \"Europe/Berlin\", \"traits\": {\"expectedDeliveryDate\": \"2030-03-01\"}}");
        ProcessInstance journey = journey("dueDateReminder", customer);

        event("it_date_corrected", customer, "{\"date\": \"2030-04-21\"}");

        assertThat(timer(journey)).isEqualTo(Instant.parse("2030-03-31T07:00:00Z"));
    }

    @Test
    void aMergeRePlansTheWaitWithTheSurvivorsDate() {
        String merged = customer();
        String survivor = customer();
        String email = UUID.randomUUID() + "@example.com";
        assertThat(post("/api/events", """
                {"type": "due_date_set", "customerId": "%s", "identities": {"email": "%s"},
                 "properties": {"timeZone": "Europe/Berlin", "traits": {"expectedDeliveryDate": "2030-03-01"}}}""".formatted(merged, email)).statusCode()).isEqualTo(202);
        ProcessInstance journey = journey("dueDateReminder", merged);
        event("profile_updated", survivor, "{\"traits\": {\"expectedDeliveryDate\": \"2030-04-21\"}}");

        assertThat(post("/api/events", """
                {"type": "identify", "customerId": "%s", "identities": {"email": "%s"}}""".formatted(survivor, email)).statusCode()).isEqualTo(202);

        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).singleResult().getBusinessKey()).isEqualTo(survivor);
        assertThat(timer(journey)).as("the survivor's newer date, in the merged profile's zone").isEqualTo(Instant.parse("2030-03-31T07:00:00Z"));
    }

    private ProcessInstance journey(String key, String customer) {
        return runtime.createProcessInstanceQuery().processDefinitionKey(key).processInstanceBusinessKey(customer).singleResult();
    }

    private Instant timer(ProcessInstance journey) {
        Date due = management.createJobQuery().processInstanceId(journey.getId()).timers().singleResult().getDuedate();
        return due.toInstant();
    }

    static String journey(String key, String message, String body) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_%1$s" targetNamespace="https://touchpoint.io/journeys">
                  <bpmn:message id="Message_Start" name="%2$s" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Step" />
                    %3$s
                    <bpmn:sequenceFlow id="Flow_2" sourceRef="Step" targetRef="End" />
                    <bpmn:endEvent id="End" />
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, message, body);
    }

    static final String FLIGHT_REMINDER = journey("flightReminder", "it_dates_flight_booked", """
            <bpmn:intermediateCatchEvent id="Step" camunda:modelerTemplate="io.touchpoint.waitUntilProfileDate" camunda:modelerTemplateVersion="2">
              <bpmn:extensionElements><camunda:properties>
                <camunda:property name="touchpoint.block" value="waitUntilDate" />
                <camunda:property name="source" value="trigger" />
                <camunda:property name="attribute" value="departureAt" />
                <camunda:property name="offset" value="-PT24H" />
              </camunda:properties></bpmn:extensionElements>
              <bpmn:timerEventDefinition />
            </bpmn:intermediateCatchEvent>""");

    static final String DATE_SETTER = journey("dateSetter", "it_date_corrected", """
            <bpmn:serviceTask id="Step" camunda:delegateExpression="${updateProfileDelegate}">
              <bpmn:extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="attribute">expectedDeliveryDate</camunda:inputParameter>
                <camunda:inputParameter name="value">${trigger.properties.date}</camunda:inputParameter>
              </camunda:inputOutput></bpmn:extensionElements>
            </bpmn:serviceTask>""");
}
