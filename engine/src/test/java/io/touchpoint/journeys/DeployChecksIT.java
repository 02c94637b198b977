package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Deploy checks equal the run time, through /engine-rest as Camunda Modeler deploys: what the blocks name must
 * exist, an offset is read by the parser that runs it; and what can only fail at run time is an incident of that
 * customer's journey while the event is accepted, the profile changes and the customer's other journeys go on.
 */
class DeployChecksIT extends JourneyIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    HistoryService history;
    @Autowired
    JourneyRetries retries;
    @Autowired
    ObjectMapper json;

    private static boolean deployed;

    @BeforeEach
    void deployJourneys() {
        if (!deployed) {
            assertThat(deployOverRest("fragile.bpmn", ModelerBpmn.saved(FRAGILE)).statusCode()).isEqualTo(200);
            assertThat(deployOverRest("steady.bpmn", ModelerBpmn.saved(STEADY)).statusCode()).isEqualTo(200);
            assertThat(deployOverRest("brittle.bpmn", ModelerBpmn.saved(BRITTLE)).statusCode()).isEqualTo(200);
            deployed = true;
        }
    }

    @Test
    void aJourneyThatFailsToStartIsAnIncidentOfThatCustomerAndTheIntakeGoesOn() {
        String failing = customer();
        String other = customer();
        event("it_steady_start", failing);
        ProcessInstance steady = journey("steadyJourney", failing);

        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger retries = (Logger) LoggerFactory.getLogger(JourneyRetries.class);
        retries.addAppender(logged);
        HttpResponse<String> failingEvent;
        try {
            failingEvent = post("/api/events", """
                    {"type": "it_fragile", "eventId": "%s-fragile", "customerId": "%1$s", "properties": {"wait": "no-such-wait", "traits": {"tier": "gold"}}}"""
                    .formatted(failing));
        } finally {
            retries.detachAppender(logged);
        }
        assertThat(logged.list).as("the operator's line: its code, and the event it is about in the MDC").anySatisfy(line -> {
            assertThat(line.getFormattedMessage()).startsWith("TP-JOURNEY-001 Event " + failing + "-fragile (it_fragile) could not start:fragileJourney");
            assertThat(line.getMDCPropertyMap()).containsEntry("eventId", failing + "-fragile").containsEntry("eventType", "it_fragile");
        });
        HttpResponse<String> otherEvent = post("/api/events", """
                {"type": "it_fragile", "customerId": "%s", "properties": {"wait": "abandoned-cart"}}""".formatted(other));

        assertThat(failingEvent.statusCode()).isEqualTo(202);
        assertThat(otherEvent.statusCode()).isEqualTo(202);
        assertThat(get("/api/customers/" + failing).body()).as("the profile change is kept").contains("\"tier\":\"gold\"");
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(steady.getId()).activityId("End").count())
                .as("the customer's other journey waiting for the same event proceeds").isOne();
        ProcessInstance fine = journey("fragileJourney", other);
        assertThat(runtime.createExecutionQuery().processInstanceId(fine.getId()).activityId("Wait_Named").count()).isOne();
        assertThat(journey("fragileJourney", failing)).as("the failed start is taken back").isNull();

        Job retry = retryOf(failing);
        Incident incident = failUntilIncident(retry);
        assertThat(incident.getIncidentMessage()).contains("journey fragileJourney could not take event")
                .contains("no wait named 'no-such-wait'");
        assertThat(get("/api/console/incidents").body()).contains(incident.getId()).contains(failing);
        assertThat(runtime.createIncidentQuery().processDefinitionKeyIn("fragileJourney").count()).as("nobody else's").isOne();

        assertThat(send(request("/api/customers/" + failing).header("Authorization", basic(USER, PASSWORD)).DELETE().build()).statusCode())
                .isEqualTo(200);
        assertThat(management.createJobQuery().jobId(retry.getId()).count()).as("an erased customer's failed step goes with the customer").isZero();
        assertThat(runtime.createIncidentQuery().incidentId(incident.getId()).count()).isZero();
    }

    @Test
    void aJourneyThatFailsToContinueIsAnIncidentOfThatRun() {
        String failing = customer();
        String other = customer();
        event("it_brittle_start", failing);
        event("it_brittle_start", other);
        ProcessInstance run = journey("brittleJourney", failing);

        event("it_brittle_next", failing, "{\"wait\": \"no-such-wait\"}");
        event("it_brittle_next", other, "{\"wait\": \"abandoned-cart\"}");

        assertThat(runtime.createExecutionQuery().processInstanceId(run.getId()).activityId("Wait_Next").count())
                .as("the run still waits where it was").isOne();
        assertThat(runtime.createExecutionQuery().processInstanceId(journey("brittleJourney", other).getId()).activityId("Step").count())
                .as("the other customer's run went on").isOne();
        Incident incident = failUntilIncident(management.createJobQuery().processInstanceId(run.getId()).messages().singleResult());
        assertThat(incident.getProcessInstanceId()).isEqualTo(run.getId());
        assertThat(incident.getIncidentMessage()).contains("no wait named 'no-such-wait'");
        assertThat(get("/api/console/incidents").body()).contains(run.getId()).contains(failing);
    }

    @Test
    void aBatchWithAnEventWhoseJourneyFailsIsAcceptedWholeAndOnlyThatJourneyGoesOnInARetryJob() throws Exception {
        String failing = customer();
        String fine = customer();
        String steady = customer();

        HttpResponse<String> answer = post("/api/events/batch", """
                [{"type": "it_fragile", "customerId": "%s", "properties": {"wait": "abandoned-cart"}},
                 {"type": "it_fragile", "customerId": "%s", "properties": {"wait": "no-such-wait", "traits": {"tier": "gold"}}},
                 {"type": "it_steady_start", "customerId": "%s"}]""".formatted(fine, failing, steady));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode outcome = json.readTree(answer.body());
        assertThat(outcome.path("rejected")).as(answer.body()).isEmpty();
        assertThat(outcome.path("accepted").findValuesAsText("status")).containsExactly("accepted", "accepted", "accepted");
        assertThat(outcome.path("accepted").findValuesAsText("customerId")).containsExactly(fine, failing, steady);
        assertThat(runtime.createExecutionQuery().processInstanceId(journey("fragileJourney", fine).getId()).activityId("Wait_Named").count())
                .as("the other customer's run of the same journey started").isOne();
        assertThat(journey("steadyJourney", steady)).as("the batch's other journey started").isNotNull();
        assertThat(journey("fragileJourney", failing)).as("the failed start is taken back").isNull();
        assertThat(json.readTree(get("/api/customers/" + failing).body()).path("eventCount").asInt())
                .as("the event was applied to the profile once").isOne();
        assertThat(get("/api/customers/" + failing).body()).contains("\"tier\":\"gold\"");
        Job retry = retryOf(failing);
        assertThat(((JobEntity) retry).getJobHandlerType()).isEqualTo(JourneyRetries.TYPE);
        assertThat(retry.getProcessDefinitionKey()).isEqualTo("fragileJourney");
        assertThat(retry.getRetries()).as("not yet tried again").isEqualTo(3);
    }

    /** The job in which a journey step of the customer's event goes on (JourneyRetries). */
    private Job retryOf(String customer) {
        return management.createJobQuery().messages().list().stream()
                .filter(job -> retries.customerOf(job).filter(customer::equals).isPresent())
                .reduce((one, two) -> {
                    throw new AssertionError("two retry jobs for " + customer);
                }).orElse(null);
    }

    /** Runs a job as the job executor would until its retries are used up; the incident it then holds. */
    private Incident failUntilIncident(Job job) {
        assertThat(job).as("the step goes on in a job").isNotNull();
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThatThrownBy(() -> management.executeJob(job.getId())).hasMessageContaining("no wait named 'no-such-wait'");
        }
        Incident incident = runtime.createIncidentQuery().configuration(job.getId()).singleResult();
        assertThat(incident).as("an incident after the retries").isNotNull();
        return incident;
    }

    @Test
    void aStepNamingATemplateOrADecisionThatDoesNotExistIsRefused() {
        HttpResponse<String> template = deployOverRest("unknown-template.bpmn", step("unknownTemplate", """
                <bpmn:serviceTask id="Step" camunda:delegateExpression="${sendMessageDelegate}"><bpmn:extensionElements><camunda:inputOutput>
                  <camunda:inputParameter name="channel">email</camunda:inputParameter>
                  <camunda:inputParameter name="template">welcome-4</camunda:inputParameter>
                  <camunda:inputParameter name="category">marketing</camunda:inputParameter>
                </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"""));
        HttpResponse<String> channel = deployOverRest("wrong-channel.bpmn", step("wrongChannel", """
                <bpmn:serviceTask id="Step" camunda:delegateExpression="${sendMessageDelegate}"><bpmn:extensionElements><camunda:inputOutput>
                  <camunda:inputParameter name="channel">sms</camunda:inputParameter>
                  <camunda:inputParameter name="template">welcome-1</camunda:inputParameter>
                  <camunda:inputParameter name="category">marketing</camunda:inputParameter>
                </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"""));
        HttpResponse<String> decision = deployOverRest("unknown-decision.bpmn", step("unknownDecision", """
                <bpmn:serviceTask id="Step" camunda:delegateExpression="${decideWithRulesDelegate}"><bpmn:extensionElements><camunda:inputOutput>
                  <camunda:inputParameter name="decision">nps-segment</camunda:inputParameter>
                  <camunda:inputParameter name="resultVariables">offer</camunda:inputParameter>
                </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"""));
        HttpResponse<String> known = deployOverRest("known-decision.bpmn", step("knownDecision", """
                <bpmn:serviceTask id="Step" camunda:delegateExpression="${decideWithRulesDelegate}"><bpmn:extensionElements><camunda:inputOutput>
                  <camunda:inputParameter name="decision">due-date-offer</camunda:inputParameter>
                  <camunda:inputParameter name="resultVariables">offer</camunda:inputParameter>
                </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"""));

        assertThat(template.statusCode()).isEqualTo(400);
        assertThat(template.body()).contains("Touchpoint block 'Step': 'template' is 'welcome-4': no template 'welcome-4'");
        assertThat(channel.statusCode()).isEqualTo(400);
        assertThat(channel.body()).contains("'template' is 'welcome-1', a template for email, not sms");
        assertThat(decision.statusCode()).isEqualTo(400);
        assertThat(decision.body()).contains("'decision' is 'nps-segment', but no running rule names it");
        assertThat(known.statusCode()).isEqualTo(200);
    }

    @Test
    void aTimerNamingAWaitThatIsNotConfiguredIsRefused() {
        HttpResponse<String> typo = deployOverRest("wait-typo.bpmn", step("waitTypo", """
                <bpmn:intermediateCatchEvent id="Step"><bpmn:timerEventDefinition>
                  <bpmn:timeDuration>${waits.get('abandoned-carts')}</bpmn:timeDuration>
                </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"""));

        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("'timeDuration' names the wait 'abandoned-carts', which touchpoint.journeys.waits does not have")
                .contains("abandoned-cart");
    }

    @Test
    void anOffsetInHoursDeploysAndOneThatIsNoneIsRefused() {
        assertThat(deployOverRest("hours.bpmn", wait("hoursBefore", "-PT24H")).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = deployOverRest("hours-typo.bpmn", wait("hoursTypo", "-P24H"));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("'offset' is '-P24H', not an ISO-8601 offset");
    }

    private ProcessInstance journey(String key, String customer) {
        return runtime.createProcessInstanceQuery().processDefinitionKey(key).processInstanceBusinessKey(customer).singleResult();
    }

    private static String step(String key, String task) {
        return ModelerBpmn.saved(DateWaitsIT.journey(key, "it_" + key, task));
    }

    private static String wait(String key, String offset) {
        return step(key, """
                <bpmn:intermediateCatchEvent id="Step"><bpmn:extensionElements><camunda:properties>
                  <camunda:property name="touchpoint.block" value="waitUntilDate" />
                  <camunda:property name="source" value="trigger" />
                  <camunda:property name="attribute" value="departureAt" />
                  <camunda:property name="offset" value="%s" />
                </camunda:properties></bpmn:extensionElements><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>""".formatted(offset));
    }

    /** Its timer works out a named wait from the event: an unknown name fails at run time, for that customer only. */
    static final String FRAGILE = DateWaitsIT.journey("fragileJourney", "it_fragile", """
            <bpmn:intermediateCatchEvent id="Step"><bpmn:timerEventDefinition>
              <bpmn:timeDuration>${waits.get(trigger.properties.wait)}</bpmn:timeDuration>
            </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>""").replace("id=\"Step\"", "id=\"Wait_Named\"")
            .replace("targetRef=\"Step\"", "targetRef=\"Wait_Named\"").replace("sourceRef=\"Step\"", "sourceRef=\"Wait_Named\"");

    /** Waits for it_fragile too: the event that fails fragileJourney moves this one on. */
    static final String STEADY = DateWaitsIT.journey("steadyJourney", "it_steady_start", """
            <bpmn:intermediateCatchEvent id="Step"><bpmn:messageEventDefinition messageRef="Message_Fragile" /></bpmn:intermediateCatchEvent>""")
            .replace("</bpmn:definitions>", "  <bpmn:message id=\"Message_Fragile\" name=\"it_fragile\" />\n</bpmn:definitions>");

    /** Waits for it_brittle_next, then for the wait that event names: an unknown name fails the continue. */
    static final String BRITTLE = DateWaitsIT.journey("brittleJourney", "it_brittle_start", """
            <bpmn:intermediateCatchEvent id="Wait_Next"><bpmn:messageEventDefinition messageRef="Message_Next" /></bpmn:intermediateCatchEvent>
                <bpmn:sequenceFlow id="Flow_Next" sourceRef="Wait_Next" targetRef="Step" />
                <bpmn:intermediateCatchEvent id="Step"><bpmn:timerEventDefinition>
                  <bpmn:timeDuration>${waits.get(lastEvent.properties.wait)}</bpmn:timeDuration>
                </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>""")
            .replace("sourceRef=\"Start\" targetRef=\"Step\"", "sourceRef=\"Start\" targetRef=\"Wait_Next\"")
            .replace("</bpmn:definitions>", "  <bpmn:message id=\"Message_Next\" name=\"it_brittle_next\" />\n</bpmn:definitions>");
}
