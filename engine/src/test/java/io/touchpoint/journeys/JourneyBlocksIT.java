package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;


/**
 * The building blocks through the whole application: events in over HTTP, the dispatcher enforcing journey
 * settings, correlating waits, reaching goals and re-planning profile-date waits; test journeys deployed on the fly.
 */
class JourneyBlocksIT extends JourneyIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    RepositoryService repository;
    @Autowired
    HistoryService history;
    @Autowired
    JourneyRecords records;

    @Test
    void reentryNeverLetsACustomerInOnlyOnce() {
        deploy("reentryNever", "it_never", "<camunda:property name=\"reentry\" value=\"never\" />");
        String customer = customer();
        event("it_never", customer, "{}");
        finishAll(customer, "reentryNever");
        event("it_never", customer, "{}");

        assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("reentryNever").processInstanceBusinessKey(customer).count()).isOne();
    }

    @Test
    void reentryAfterExitWaitsUntilTheFirstInstanceEnded() {
        deploy("reentryAfterExit", "it_after_exit", "<camunda:property name=\"reentry\" value=\"afterExit\" />");
        String customer = customer();
        event("it_after_exit", customer, "{}");
        event("it_after_exit", customer, "{}");
        assertThat(active(customer, "reentryAfterExit")).as("one at a time").isOne();

        finishAll(customer, "reentryAfterExit");
        event("it_after_exit", customer, "{}");

        assertThat(active(customer, "reentryAfterExit")).isOne();
        assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("reentryAfterExit").processInstanceBusinessKey(customer).count()).isEqualTo(2);
    }

    @Test
    void reentryAlwaysWithSeveralActiveStartsAnInstanceForEveryEvent() {
        deploy("reentryAlways", "it_always", "<camunda:property name=\"reentry\" value=\"always\" /><camunda:property name=\"singleActive\" value=\"false\" />");
        String customer = customer();
        event("it_always", customer, "{}");
        event("it_always", customer, "{}");

        assertThat(active(customer, "reentryAlways")).isEqualTo(2);
    }

    @Test
    void reentryAfterACoolDownRefusesEntriesWithinIt() {
        deploy("reentryCoolDown", "it_cool_down", "<camunda:property name=\"reentry\" value=\"coolDown\" /><camunda:property name=\"coolDown\" value=\"P7D\" />");
        String customer = customer();
        event("it_cool_down", customer, "{}");
        finishAll(customer, "reentryCoolDown");
        event("it_cool_down", customer, "{}");
        assertThat(active(customer, "reentryCoolDown")).as("within seven days of the entry").isZero();

        assertThat(JourneySettings.of(java.util.Map.of("reentry", "coolDown", "coolDown", "P7D"))
                .allowsEntry(Instant.parse("2026-01-01T00:00:00Z"), false, Instant.parse("2026-01-08T00:00:00Z"))).as("after seven days").isTrue();
    }

    @Test
    void aWaitForEventContinuesOnlyWithTheMatchingCorrelationValue() {
        String customer = customer();
        event("it_cart_abandoned", customer, "{\"cartId\": \"k-1\"}");
        ProcessInstance journey = runtime.createProcessInstanceQuery().processDefinitionKey("cartWait").processInstanceBusinessKey(customer).singleResult();

        event("it_cart_bought", customer, "{\"cartId\": \"k-other\"}");
        assertThat(runtime.createExecutionQuery().processInstanceId(journey.getId()).activityId("Wait_CartBought").count())
                .as("another cart does not continue the journey").isOne();

        event("it_cart_bought", customer, "{\"cartId\": \"k-1\"}");
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId("End_Bought").count()).isOne();
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).count()).isZero();
    }

    @Test
    void aWaitForEventTimesOutOnItsOwnPath() {
        String customer = customer();
        event("it_cart_abandoned", customer, "{\"cartId\": \"k-2\"}");
        ProcessInstance journey = runtime.createProcessInstanceQuery().processDefinitionKey("cartWait").processInstanceBusinessKey(customer).singleResult();
        assertThat(management.createJobQuery().processInstanceId(journey.getId()).singleResult().getDuedate()).isInTheFuture();

        runAllJobs(journey.getId());

        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId("End_TimedOut").count()).isOne();
    }

    @Test
    void aGoalEventEndsTheWelcomeSeriesMidWaitAndIsRecorded() {
        String customer = customer();
        event("customer_signed_up", customer, "{}");
        ProcessInstance journey = runtime.createProcessInstanceQuery().processDefinitionKey("welcomeSeries").processInstanceBusinessKey(customer).singleResult();
        runAllDue(journey.getId());
        assertThat(runtime.createExecutionQuery().processInstanceId(journey.getId()).activityId("Timer_WaitTwoDays").count()).isOne();
        long before = records.goalsReached("welcomeSeries");

        event("order_placed", customer, "{\"orderId\": \"o-1\"}");

        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).count()).isZero();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId("End_FirstPurchase").count()).isOne();
        assertThat(records.goalsReached("welcomeSeries")).isEqualTo(before + 1);
    }

    @Test
    void orderingAHospitalBagEndsTheDueDateReminderMidWaitAtItsGoal() {
        String customer = customer();
        event("due_date_set", customer, "{\"traits\": {\"expectedDeliveryDate\": \"2030-03-01\"}}");
        ProcessInstance journey = runtime.createProcessInstanceQuery().processDefinitionKey("dueDateReminder").processInstanceBusinessKey(customer).singleResult();
        assertThat(runtime.createExecutionQuery().processInstanceId(journey.getId()).activityId("Wait_ThreeWeeksBeforeDueDate").count()).isOne();

        event("hospital_bag_ordered", customer, "{}");

        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).count()).isZero();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId("End_BagOrdered").count()).isOne();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId("Decide_HospitalBagOffer").count()).isZero();
        assertThat(management.createJobQuery().processInstanceId(journey.getId()).count()).as("the timer went with it").isZero();
        assertThat(records.goalsReached("dueDateReminder")).isPositive();
    }

    @Test
    void theSendMessageBlockDeliversTheWelcomeEmailThroughTheChannels() throws Exception {
        String customer = customer();
        assertThat(post("/api/events", """
                {"type": "customer_signed_up", "customerId": "%s", "identities": {"email": "wel@example.com"},
                 "properties": {"traits": {"firstName": "Wella"}, "timeZone": "%s"}}""".formatted(customer,
                JourneyEndToEnd.daytimeZone(java.time.Instant.now()).getId())).statusCode()).isEqualTo(202); // daytime: no quiet hours
        ProcessInstance journey = runtime.createProcessInstanceQuery().processDefinitionKey("welcomeSeries").processInstanceBusinessKey(customer).singleResult();

        runAllDue(journey.getId());

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> SMTP.getReceivedMessages().length == 1);
        jakarta.mail.internet.MimeMessage welcome = SMTP.getReceivedMessages()[0];
        assertThat(welcome.getSubject()).isEqualTo("Welcome to the shop");
        assertThat(welcome.getAllRecipients()[0].toString()).isEqualTo("wel@example.com");
        assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(welcome)).contains("Hello Wella");
    }

    @Test
    void aChangedDueDateRePlansTheWaitingReminder() {
        String customer = customer();
        event("due_date_set", customer, "{\"timeZone\": \"Europe/Berlin\", \"traits\": {\"expectedDeliveryDate\": \"2030-03-01\"}}");
        ProcessInstance journey = runtime.createProcessInstanceQuery().processDefinitionKey("dueDateReminder").processInstanceBusinessKey(customer).singleResult();
        assertThat(timer(journey).toInstant()).isEqualTo(Instant.parse("2030-02-08T08:00:00Z"));

        event("profile_updated", customer, "{\"traits\": {\"expectedDeliveryDate\": \"2030-04-21\"}}");

        assertThat(timer(journey).toInstant()).as("21 days before 21 April: 31 March, 09:00 CEST").isEqualTo(Instant.parse("2030-03-31T07:00:00Z"));
    }

    @Test
    void theSplitAssignmentIsRecordedOnce() {
        String customer = customer();
        event("customer_signed_up", customer, "{}");
        ProcessInstance journey = runtime.createProcessInstanceQuery().processDefinitionKey("welcomeSeries").processInstanceBusinessKey(customer).singleResult();
        runAllDue(journey.getId());
        management.createJobQuery().processInstanceId(journey.getId()).timers().list().forEach(job -> management.executeJob(job.getId()));

        assertThat(records.variant(customer, "welcomeSeries", "Split_SecondEmail"))
                .contains(JourneySplits.variantOf(customer, "welcomeSeries", JourneySplits.parse("A:50,B:50"), 10));
    }

    private java.util.Date timer(ProcessInstance journey) {
        return management.createJobQuery().processInstanceId(journey.getId()).timers().singleResult().getDuedate();
    }

    /** Runs the jobs that are not timers (async sends), as the job executor would right away. */
    private void runAllDue(String processInstanceId) {
        management.createJobQuery().processInstanceId(processInstanceId).list().stream()
                .filter(job -> job.getDuedate() == null || !job.getDuedate().toInstant().isAfter(Instant.now()))
                .forEach(job -> management.executeJob(job.getId()));
    }

    private long active(String customer, String key) {
        return runtime.createProcessInstanceQuery().processDefinitionKey(key).processInstanceBusinessKey(customer).count();
    }

    private void finishAll(String customer, String key) {
        runtime.createExecutionQuery().processDefinitionKey(key).processInstanceBusinessKey(customer).activityId("Wait_Release").list()
                .forEach(execution -> runtime.signal(execution.getId()));
    }

    /** A journey started by an event that waits in a plain receive task until the test releases it. */
    private void deploy(String key, String startEvent, String settings) {
        if (repository.createProcessDefinitionQuery().processDefinitionKey(key).count() > 0) {
            return;
        }
        repository.createDeployment().addString(key + ".bpmn", ModelerBpmn.saved("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_%1$s" targetNamespace="https://touchpoint.io/journeys">
                  <bpmn:message id="Message_Start" name="%2$s" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:extensionElements><camunda:properties>%3$s</camunda:properties></bpmn:extensionElements>
                    <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Wait_Release" />
                    <bpmn:receiveTask id="Wait_Release" />
                    <bpmn:sequenceFlow id="Flow_2" sourceRef="Wait_Release" targetRef="End" />
                    <bpmn:endEvent id="End" />
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, startEvent, settings))).deploy();
    }

    @org.junit.jupiter.api.BeforeEach
    void deployCartWait() {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("cartWait").count() == 0) {
            repository.createDeployment().addString("cart-wait.bpmn", ModelerBpmn.saved(CART_WAIT)).deploy();
        }
    }

    static final String CART_WAIT = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                              id="Definitions_CartWait" targetNamespace="https://touchpoint.io/journeys">
              <bpmn:message id="Message_Start" name="it_cart_abandoned" />
              <bpmn:process id="cartWait" isExecutable="true" camunda:historyTimeToLive="1">
                <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Wait_CartBought" />
                <bpmn:receiveTask id="Wait_CartBought">
                  <bpmn:extensionElements><camunda:properties>
                    <camunda:property name="touchpoint.block" value="waitForEvent" />
                    <camunda:property name="eventType" value="it_cart_bought" />
                    <camunda:property name="correlationProperty" value="cartId" />
                    <camunda:property name="timeout" value="P1D" />
                  </camunda:properties></bpmn:extensionElements>
                </bpmn:receiveTask>
                <bpmn:boundaryEvent id="Timeout_CartNotBought" attachedToRef="Wait_CartBought"><bpmn:timerEventDefinition /></bpmn:boundaryEvent>
                <bpmn:sequenceFlow id="Flow_2" sourceRef="Wait_CartBought" targetRef="End_Bought" />
                <bpmn:endEvent id="End_Bought" />
                <bpmn:sequenceFlow id="Flow_3" sourceRef="Timeout_CartNotBought" targetRef="End_TimedOut" />
                <bpmn:endEvent id="End_TimedOut" />
              </bpmn:process>
            </bpmn:definitions>
            """;
}
