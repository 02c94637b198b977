package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * One start per customer (and instance key) when events race: many events of one customer posted at the same
 * moment start one run, each is answered 202; and the database key itself, two transactions claiming one place.
 */
@Timeout(120)
class OneStartPerCustomerIT extends JourneyIT {

    static final int RACERS = 16;

    @Autowired
    RuntimeService runtime;
    @Autowired
    RepositoryService repository;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JourneyRecords records;
    @Autowired
    PlatformTransactionManager transactions;

    @BeforeEach
    void deployRaceJourneys() {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("raceOnce").count() == 0) {
            repository.createDeployment().addString("race-once.bpmn", journey("raceOnce", "it_race_start", "")).deploy();
            repository.createDeployment().addString("race-keyed.bpmn", journey("raceKeyed", "it_race_booked",
                    "<camunda:property name=\"instanceKey\" value=\"bookingRef\" />")).deploy();
        }
    }

    @Test
    void sameCustomerEventsAtTheSameMomentStartOneRunAndAreAllAccepted() throws Exception {
        String customer = customer();

        List<Integer> answers = race(i -> post("/api/events", """
                {"eventId": "%s-%d", "type": "it_race_start", "customerId": "%s", "properties": {}}""".formatted(customer, i, customer)).statusCode());

        assertThat(answers).as("every event is accepted").containsOnly(202);
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("raceOnce").processInstanceBusinessKey(customer).count()).isOne();
        assertThat(jdbc.queryForObject("select count(*) from journey_entry where customer_id = ? and journey_key = 'raceOnce'", Long.class, customer)).isOne();
        assertThat(jdbc.queryForObject("select count(*) from customer_event where customer_id = ?", Long.class, customer))
                .as("no event is lost").isEqualTo(RACERS);
    }

    @Test
    void sameBookingEventsAtTheSameMomentStartOneRunAndTheOtherBookingItsOwn() throws Exception {
        String customer = customer();

        List<Integer> answers = race(i -> post("/api/events", """
                {"eventId": "%s-%d", "type": "it_race_booked", "customerId": "%s", "properties": {"bookingRef": "%s"}}"""
                .formatted(customer, i, customer, i % 2 == 0 ? "B-even" : "B-odd")).statusCode());

        assertThat(answers).containsOnly(202);
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("raceKeyed").processInstanceBusinessKey(customer).count())
                .as("one run per booking").isEqualTo(2);
    }

    @Test
    void aSecondTransactionCannotClaimThePlaceTheFirstHoldsAndGetsItBackWhenTheRunEnds() throws Exception {
        String customer = customer();
        TransactionStatus first = transactions.getTransaction(new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_REQUIRES_NEW));
        assertThat(records.claimRun("raceOnce", customer, JourneyRecords.NO_KEY)).isTrue();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> second = other.submit(() -> claimInOwnTransaction(customer));
            transactions.commit(first);
            assertThat(second.get(60, TimeUnit.SECONDS)).as("the place is taken, committed or not").isFalse();
        } finally {
            other.shutdownNow();
        }

        String runOfAnother = customer();
        event("it_race_start", runOfAnother);
        String run = runtime.createProcessInstanceQuery().processDefinitionKey("raceOnce").processInstanceBusinessKey(runOfAnother).singleResult().getId();
        assertThat(records.activeRun("raceOnce", runOfAnother, JourneyRecords.NO_KEY)).contains(run);
        runtime.deleteProcessInstance(run, "test");
        assertThat(records.activeRun("raceOnce", runOfAnother, JourneyRecords.NO_KEY)).as("the end of the run gives the place back").isEmpty();
    }

    @Test
    void aRunThatEndsWithinItsStartGivesItsPlaceBack() {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("raceInstant").count() == 0) {
            repository.createDeployment().addString("race-instant.bpmn", journey("raceInstant", "it_race_instant", "")
                    .replace("targetRef=\"Wait_Release\"", "targetRef=\"End\"").replace("<bpmn:receiveTask id=\"Wait_Release\" />", "")
                    .replace("<bpmn:sequenceFlow id=\"Flow_2\" sourceRef=\"Wait_Release\" targetRef=\"End\" />", "")).deploy();
        }
        String customer = customer();

        event("it_race_instant", customer);
        event("it_race_instant", customer);

        assertThat(jdbc.queryForObject("select count(*) from journey_entry where customer_id = ? and journey_key = 'raceInstant'", Long.class, customer))
                .as("re-entry after exit: each event starts a run").isEqualTo(2);
        assertThat(records.activeRun("raceInstant", customer, JourneyRecords.NO_KEY)).isEmpty();
    }

    private boolean claimInOwnTransaction(String customer) {
        TransactionStatus status = transactions.getTransaction(new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_REQUIRES_NEW));
        try {
            return records.claimRun("raceOnce", customer, JourneyRecords.NO_KEY);
        } finally {
            transactions.rollback(status);
        }
    }

    /** Runs the call on {@link #RACERS} threads released at the same moment; their answers. */
    static <T> List<T> race(java.util.function.IntFunction<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                int racer = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.apply(racer);
                }));
            }
            start.countDown();
            List<T> answers = new ArrayList<>();
            for (Future<T> future : futures) {
                answers.add(future.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Started by the event type, waits in a plain receive task; one run at a time per customer (and key). */
    static String journey(String key, String startEvent, String settings) {
        return ModelerBpmn.saved("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_%1$s" targetNamespace="https://touchpoint.io/journeys">
                  <bpmn:message id="Message_Start" name="%2$s" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:extensionElements><camunda:properties><camunda:property name="reentry" value="afterExit" />%3$s</camunda:properties></bpmn:extensionElements>
                    <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Wait_Release" />
                    <bpmn:receiveTask id="Wait_Release" />
                    <bpmn:sequenceFlow id="Flow_2" sourceRef="Wait_Release" targetRef="End" />
                    <bpmn:endEvent id="End" />
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, startEvent, settings));
    }
}
