package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.EventSubscription;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The waits {@link RunWaits} holds in memory are the engine's message subscriptions of each customer's runs, after
 * every kind of change: a continue, a timer moving a run to a new wait, a goal ending a run, a profile merge, a
 * migration to a new version, a cancellation over the Camunda REST API, an erase, keyed runs, and a rebuild from the
 * engine's tables; and the event continues exactly the executions memory names.
 */
class RunWaitsIT extends JourneyIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    RepositoryService repository;
    @Autowired
    RunWaits runWaits;
    @Autowired
    MeterRegistry metrics;

    @BeforeEach
    void deploy() {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("runWaits").count() == 0) {
            repository.createDeployment().addString("run-waits.bpmn", journey("runWaits", "it_rw_started", "End")).deploy();
        }
        if (repository.createProcessDefinitionQuery().processDefinitionKey("keyedFlight").count() == 0) {
            repository.createDeployment().addString("keyed-flight.bpmn", ModelerBpmn.saved(KeyedJourneysIT.KEYED_FLIGHT)).deploy();
        }
    }

    @Test
    void memoryFollowsContinuesTimersAndGoalsAndAnEventContinuesExactlyTheWaitsItNames() {
        String moving = customer();
        String reaching = customer();
        String idle = customer();
        event("it_rw_started", moving);
        event("it_rw_started", reaching);
        assertAgrees(moving, reaching, idle);
        assertThat(waitsFor(moving, "it_rw_next")).hasSize(1);

        Set<String> continued = executionsOf(moving, "it_rw_next");
        event("it_rw_next", moving);
        assertThat(Set.copyOf(subscriptions(moving))).as("the wait it named was continued").doesNotContainAnyElementsOf(continued);
        assertThat(waitsFor(reaching, "it_rw_next")).as("another customer's wait stays").hasSize(1);
        assertAgrees(moving, reaching);
        assertThat(waitsFor(moving, "it_rw_next")).as("between the waits, at the timer").isEmpty();

        fireTimers(run(moving).getId());
        assertAgrees(moving);
        assertThat(waitsFor(moving, "it_rw_next")).as("the timer moved the run to its second wait").hasSize(1);

        event("it_rw_goal", reaching);
        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(reaching).count()).as("the goal ended the run").isZero();
        assertAgrees(reaching);
        assertThat(runWaits.inMemory(reaching)).hasValue(List.of());

        event("it_rw_next", moving);
        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(moving).count()).isZero();
        assertAgrees(moving);
    }

    @Test
    void anEventNobodyWaitsForIsAnsweredFromMemory() {
        String idle = customer();
        double fromTables = lookups("tables");
        double fromMemory = lookups("memory");

        event("it_rw_next", idle);
        event("it_rw_goal", idle);

        assertThat(lookups("tables")).as("no engine table was read").isEqualTo(fromTables);
        assertThat(lookups("memory")).isEqualTo(fromMemory + 2);
    }

    @Test
    void aMergeMovesTheWaitsToTheSurvivor() {
        String survivor = customer();
        String mergedAway = customer();
        event("it_rw_started", mergedAway);
        assertAgrees(survivor, mergedAway);

        event("alias", survivor, "{\"previousId\": \"" + mergedAway + "\"}");

        assertAgrees(survivor, mergedAway);
        assertThat(waitsFor(survivor, "it_rw_next")).hasSize(1);
        assertThat(runWaits.inMemory(mergedAway)).hasValue(List.of());
        event("it_rw_next", survivor);
        assertThat(waitsFor(survivor, "it_rw_next")).as("the survivor's event continued the moved run").isEmpty();
        assertAgrees(survivor);
    }

    @Test
    void aMigrationToANewVersionLeavesTheWaitsInMemoryOnTheNewVersion() {
        repository.createDeployment().addString("run-waits-migrating.bpmn", journey("runWaitsMigrating", "it_rw_migrating", "End")).deploy();
        String customer = customer();
        event("it_rw_migrating", customer);
        repository.createDeployment().addString("run-waits-migrating.bpmn", journey("runWaitsMigrating", "it_rw_migrating", "End_Done")).deploy();

        var applied = post("/api/journeys/runWaitsMigrating/migrations", "{\"fromVersion\": 1, \"toVersion\": 2, \"apply\": true}");

        assertThat(applied.body()).contains("\"migrated\":1");
        String version2 = repository.createProcessDefinitionQuery().processDefinitionKey("runWaitsMigrating").latestVersion().singleResult().getId();
        assertAgrees(customer);
        assertThat(runWaits.inMemory(customer).orElseThrow()).extracting(RunWaits.Wait::definitionId).containsOnly(version2);
        event("it_rw_next", customer);
        assertThat(waitsFor(customer, "it_rw_next")).isEmpty();
        assertAgrees(customer);
    }

    @Test
    void aCancelledRunAndAnErasedCustomerWaitForNothing() {
        String cancelled = customer();
        String erased = customer();
        event("it_rw_started", cancelled);
        event("it_rw_started", erased);

        assertThat(send(request("/engine-rest/process-instance/" + run(cancelled).getId()).header("Authorization", basic(USER, PASSWORD))
                .DELETE().build()).statusCode()).isEqualTo(204);
        assertThat(send(request("/api/customers/" + erased).header("Authorization", basic(USER, PASSWORD)).DELETE().build()).statusCode())
                .isEqualTo(200);

        assertAgrees(cancelled, erased);
        assertThat(runWaits.inMemory(cancelled)).hasValue(List.of());
        assertThat(runWaits.inMemory(erased)).hasValue(List.of());
    }

    @Test
    void keyedRunsAreContinuedOnlyByTheirKey() {
        String customer = customer();
        event("it_flight_booked", customer, "{\"bookingRef\": \"G-1\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");
        event("it_flight_booked", customer, "{\"bookingRef\": \"G-2\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");
        assertAgrees(customer);
        assertThat(runWaits.inMemory(customer).orElseThrow()).extracting(RunWaits.Wait::instanceKey).containsExactlyInAnyOrder("G-1", "G-2");

        event("it_booking_cancelled", customer, "{\"bookingRef\": \"G-1\"}");

        assertAgrees(customer);
        assertThat(runWaits.inMemory(customer).orElseThrow()).extracting(RunWaits.Wait::instanceKey).containsExactly("G-2");
    }

    @Test
    void aRebuildFromTheEngineTablesAgreesWithTheEngine() {
        String waiting = customer();
        String atTimer = customer();
        String keyed = customer();
        event("it_rw_started", waiting);
        event("it_rw_started", atTimer);
        event("it_rw_next", atTimer);
        event("it_flight_booked", keyed, "{\"bookingRef\": \"G-9\", \"remindAt\": \"2030-01-01T10:00:00Z\"}");

        runWaits.map().clear();
        runWaits.rebuild();

        assertAgrees(waiting, atTimer, keyed);
        assertThat(runWaits.inMemory(keyed).orElseThrow()).extracting(RunWaits.Wait::instanceKey).containsExactly("G-9");
        event("it_rw_next", waiting);
        assertThat(waitsFor(waiting, "it_rw_next")).isEmpty();
        assertAgrees(waiting);
    }

    @Test
    void afterALostPartitionWaitsAreReadFromTheTablesUntilRebuilt() {
        String waiting = customer();
        event("it_rw_started", waiting);
        assertAgrees(waiting);

        runWaits.partitionLost(0);

        await().atMost(Duration.ofSeconds(30)).until(runWaits::isComplete);
        assertAgrees(waiting);
        event("it_rw_next", waiting);
        assertThat(waitsFor(waiting, "it_rw_next")).as("the event continued the run").isEmpty();
    }

    /** Memory is trusted for each customer and names exactly the engine's message subscriptions of the customer's runs. */
    private void assertAgrees(String... customers) {
        for (String customer : customers) {
            Optional<List<RunWaits.Wait>> memory = runWaits.inMemory(customer);
            assertThat(memory).as("memory is trusted for %s", customer).isPresent();
            assertThat(memory.get().stream().map(w -> w.subscriptionId() + "@" + w.executionId() + ":" + w.eventType() + "/" + w.processInstanceId()))
                    .as("the waits of %s", customer).containsExactlyInAnyOrderElementsOf(subscriptions(customer));
        }
    }

    private List<String> subscriptions(String customer) {
        return runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).list().stream()
                .flatMap(run -> runtime.createEventSubscriptionQuery().processInstanceId(run.getId()).eventType("message").list().stream())
                .map(s -> s.getId() + "@" + s.getExecutionId() + ":" + s.getEventName() + "/" + s.getProcessInstanceId()).toList();
    }

    private List<EventSubscription> waitsFor(String customer, String eventType) {
        return runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).list().stream()
                .flatMap(run -> runtime.createEventSubscriptionQuery().processInstanceId(run.getId()).eventName(eventType).list().stream()).toList();
    }

    private Set<String> executionsOf(String customer, String eventType) {
        return waitsFor(customer, eventType).stream().map(s -> s.getId() + "@" + s.getExecutionId() + ":" + s.getEventName() + "/" + s.getProcessInstanceId())
                .collect(Collectors.toSet());
    }

    private ProcessInstance run(String customer) {
        return runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult();
    }

    private double lookups(String from) {
        return metrics.get("touchpoint.journeys.waits.lookups").tag("from", from).counter().count();
    }

    /** Started by its event: waits for it_rw_next, an hour, it_rw_next again, then ends; it_rw_goal is its goal. */
    static String journey(String key, String startEvent, String endId) {
        return ModelerBpmn.saved("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_%1$s" targetNamespace="https://touchpoint.io/journeys">
                  <bpmn:message id="Message_Start" name="%2$s" />
                  <bpmn:message id="Message_Next" name="it_rw_next" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Wait_First" />
                    <bpmn:intermediateCatchEvent id="Wait_First"><bpmn:messageEventDefinition messageRef="Message_Next" /></bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="Flow_2" sourceRef="Wait_First" targetRef="Timer_Pause" />
                    <bpmn:intermediateCatchEvent id="Timer_Pause">
                      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
                    </bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="Flow_3" sourceRef="Timer_Pause" targetRef="Wait_Second" />
                    <bpmn:intermediateCatchEvent id="Wait_Second"><bpmn:messageEventDefinition messageRef="Message_Next" /></bpmn:intermediateCatchEvent>
                    <bpmn:sequenceFlow id="Flow_4" sourceRef="Wait_Second" targetRef="%3$s" />
                    <bpmn:endEvent id="%3$s" />
                    <bpmn:subProcess id="Goal_Reached" triggeredByEvent="true">
                      <bpmn:startEvent id="Start_Goal">
                        <bpmn:extensionElements><camunda:properties>
                          <camunda:property name="touchpoint.block" value="goal" />
                          <camunda:property name="eventType" value="it_rw_goal" />
                        </camunda:properties></bpmn:extensionElements>
                        <bpmn:messageEventDefinition />
                      </bpmn:startEvent>
                      <bpmn:sequenceFlow id="Flow_5" sourceRef="Start_Goal" targetRef="End_Goal" />
                      <bpmn:endEvent id="End_Goal" />
                    </bpmn:subProcess>
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, startEvent, endId));
    }
}
