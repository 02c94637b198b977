package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Keyed journeys through the whole application: a flight journey keyed by {@code bookingRef} runs once per
 * booking; the same booking again updates its run (new trigger, re-planned timer); a Wait for event and a goal
 * (event sub-process) take only the events of their booking; the console shows each run's key.
 */
class KeyedJourneysIT extends JourneyIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    RepositoryService repository;
    @Autowired
    HistoryService history;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void deployFlightJourney() {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("keyedFlight").count() == 0) {
            repository.createDeployment().addString("keyed-flight.bpmn", ModelerBpmn.saved(KEYED_FLIGHT)).deploy();
        }
    }

    @Test
    void twoBookingsStartTwoRunsAndARepeatedBookingUpdatesItsRunAndRePlansTheWait() {
        String customer = customer();
        event("it_flight_booked", customer, "{\"bookingRef\": \"G-1\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");
        event("it_flight_booked", customer, "{\"bookingRef\": \"G-2\", \"remindAt\": \"2030-01-05T10:00:00Z\"}");
        assertThat(runs(customer)).hasSize(2);
        ProcessInstance g1 = run(customer, "G-1");
        assertThat(timer(g1)).isEqualTo(Instant.parse("2030-01-01T10:00:00Z"));

        event("it_flight_booked", customer, "{\"bookingRef\": \"G-1\", \"remindAt\": \"2030-02-01T08:30:00Z\"}");

        assertThat(runs(customer)).as("the same booking does not start a second run").hasSize(2);
        assertThat(timer(g1)).as("the wait follows the new trigger").isEqualTo(Instant.parse("2030-02-01T08:30:00Z"));
        assertThat(timer(run(customer, "G-2"))).isEqualTo(Instant.parse("2030-01-05T10:00:00Z"));
        assertThat(((Map<?, ?>) ((Map<?, ?>) runtime.getVariable(g1.getId(), JourneyDispatcher.TRIGGER)).get("properties")).get("remindAt"))
                .isEqualTo("2030-02-01T08:30:00Z");
        assertThat(jdbc.queryForList("select instance_key from journey_entry where customer_id = ? order by instance_key", String.class, customer))
                .containsExactly("G-1", "G-2");
    }

    @Test
    void aCancellationEndsOnlyTheRunOfItsBookingAndCountsAsItsGoal() {
        String customer = customer();
        event("it_flight_booked", customer, "{\"bookingRef\": \"G-1\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");
        event("it_flight_booked", customer, "{\"bookingRef\": \"G-2\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");
        ProcessInstance g1 = run(customer, "G-1");
        ProcessInstance g2 = run(customer, "G-2");

        event("it_booking_cancelled", customer, "{\"bookingRef\": \"G-1\"}");
        event("it_booking_cancelled", customer, "{}");

        assertThat(runtime.createProcessInstanceQuery().processInstanceId(g1.getId()).count()).isZero();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(g1.getId()).activityId("End_Cancelled").count()).isOne();
        assertThat(jdbc.queryForList("select process_instance_id from journey_goal where customer_id = ?", String.class, customer))
                .containsExactly(g1.getId());
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(g2.getId()).count()).as("the other booking runs on").isOne();

        event("it_flight_booked", customer, "{\"bookingRef\": \"G-1\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");
        assertThat(runs(customer)).as("after its end, the booking may start again (re-entry after exit)").hasSize(2);
    }

    @Test
    void aCheckInContinuesOnlyTheRunOfItsBooking() {
        String customer = customer();
        event("it_flight_booked", customer, "{\"bookingRef\": \"G-1\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");
        event("it_flight_booked", customer, "{\"bookingRef\": \"G-2\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");
        ProcessInstance g1 = run(customer, "G-1");
        ProcessInstance g2 = run(customer, "G-2");
        fireTimers(g1.getId());
        fireTimers(g2.getId());

        event("it_checked_in", customer, "{\"bookingRef\": \"G-2\"}");

        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(g2.getId()).activityId("End_CheckedIn").count()).isOne();
        assertThat(runtime.createExecutionQuery().processInstanceId(g1.getId()).activityId("Wait_CheckedIn").count()).isOne();
    }

    @Test
    void anEventWithoutTheKeyIsAcceptedAndStartsNothing() {
        String customer = customer();

        event("it_flight_booked", customer, "{\"remindAt\": \"2030-01-01T10:00:00Z\"}");

        assertThat(runs(customer)).isEmpty();
    }

    @Test
    void theConsoleShowsTheKeyOfEachRun() {
        String customer = customer();
        event("it_flight_booked", customer, "{\"bookingRef\": \"G-7\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");

        String page = get("/api/console/customers/" + customer).body();

        assertThat(page).contains("\"journey\":\"keyedFlight\"").contains("\"instanceKey\":\"G-7\"");
    }

    private List<ProcessInstance> runs(String customer) {
        return runtime.createProcessInstanceQuery().processDefinitionKey("keyedFlight").processInstanceBusinessKey(customer).list();
    }

    private ProcessInstance run(String customer, String bookingRef) {
        return runtime.createProcessInstanceQuery().processDefinitionKey("keyedFlight").processInstanceBusinessKey(customer)
                .variableValueEquals(JourneyDispatcher.INSTANCE_KEY, bookingRef).singleResult();
    }

    private Instant timer(ProcessInstance run) {
        return management.createJobQuery().processInstanceId(run.getId()).timers().singleResult().getDuedate().toInstant();
    }

    /** Keyed by bookingRef: waits until the trigger's remindAt, then for the check-in of that booking; a cancellation is the goal. */
    static final String KEYED_FLIGHT = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                              id="Definitions_KeyedFlight" targetNamespace="https://touchpoint.io/journeys">
              <bpmn:message id="Message_Start" name="it_flight_booked" />
              <bpmn:process id="keyedFlight" isExecutable="true" camunda:historyTimeToLive="1">
                <bpmn:extensionElements><camunda:properties>
                  <camunda:property name="reentry" value="afterExit" />
                  <camunda:property name="instanceKey" value="bookingRef" />
                </camunda:properties></bpmn:extensionElements>
                <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Timer_Remind" />
                <bpmn:intermediateCatchEvent id="Timer_Remind">
                  <bpmn:timerEventDefinition><bpmn:timeDate>${trigger.properties.remindAt}</bpmn:timeDate></bpmn:timerEventDefinition>
                </bpmn:intermediateCatchEvent>
                <bpmn:sequenceFlow id="Flow_2" sourceRef="Timer_Remind" targetRef="Wait_CheckedIn" />
                <bpmn:receiveTask id="Wait_CheckedIn">
                  <bpmn:extensionElements><camunda:properties>
                    <camunda:property name="touchpoint.block" value="waitForEvent" />
                    <camunda:property name="eventType" value="it_checked_in" />
                  </camunda:properties></bpmn:extensionElements>
                </bpmn:receiveTask>
                <bpmn:sequenceFlow id="Flow_3" sourceRef="Wait_CheckedIn" targetRef="End_CheckedIn" />
                <bpmn:endEvent id="End_CheckedIn" />
                <bpmn:subProcess id="Goal_Cancelled" triggeredByEvent="true">
                  <bpmn:startEvent id="Start_Cancelled">
                    <bpmn:extensionElements><camunda:properties>
                      <camunda:property name="touchpoint.block" value="goal" />
                      <camunda:property name="eventType" value="it_booking_cancelled" />
                    </camunda:properties></bpmn:extensionElements>
                    <bpmn:messageEventDefinition />
                  </bpmn:startEvent>
                  <bpmn:sequenceFlow id="Flow_4" sourceRef="Start_Cancelled" targetRef="End_Cancelled" />
                  <bpmn:endEvent id="End_Cancelled" />
                </bpmn:subProcess>
              </bpmn:process>
            </bpmn:definitions>
            """;
}
