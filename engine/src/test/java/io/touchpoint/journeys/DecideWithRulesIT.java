package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Map;

import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The "Decide with rules" block with the shared sending policy, deployed as Camunda Modeler deploys it: the step's
 * category decides whether quiet hours hold the message (marketing) or not (transactional), in the customer's zone.
 */
class DecideWithRulesIT extends JourneyIT {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** 22:00 in Berlin, inside the marketing quiet hours (21:00 to 08:00). */
    private static final ZonedDateTime TEN_PM = ZonedDateTime.of(2026, 11, 22, 22, 0, 0, 0, BERLIN);

    private static boolean deployed;

    @Autowired
    RuntimeService runtime;

    @BeforeEach
    void deployJourneys() {
        if (!deployed) {
            assertThat(deployOverRest("decide-transactional.bpmn", decideThenHold("decideTransactional", "transactional")).statusCode()).isEqualTo(200);
            assertThat(deployOverRest("decide-marketing.bpmn", decideThenHold("decideMarketing", "marketing")).statusCode()).isEqualTo(200);
            deployed = true;
        }
        ClockUtil.setCurrentTime(Date.from(TEN_PM.toInstant()));
    }

    @AfterEach
    void resetTheClock() {
        ClockUtil.reset();
    }

    @Test
    void atTenPmLocalATransactionalStepIsToldToSendNowAndTheSameStepAsMarketingAtEightNextMorning() {
        String customer = customerInBerlin();

        event("it_decide_transactional", customer);
        event("it_decide_marketing", customer);

        Map<String, Object> transactional = runtime.getVariables(run("decideTransactional", customer).getId());
        assertThat(transactional).containsEntry("eligible", true).containsEntry("channel", "email");
        assertThat(transactional.get("sendAt")).as("not held by quiet hours").isEqualTo(Date.from(TEN_PM.toInstant()));
        assertThat((String) transactional.get("reason")).doesNotContain("No marketing message between 21:00 and 08:00 local time");

        Map<String, Object> marketing = runtime.getVariables(run("decideMarketing", customer).getId());
        assertThat(marketing).containsEntry("eligible", true).containsEntry("channel", "email");
        assertThat(marketing.get("sendAt")).as("held until 08:00 the next morning in Berlin")
                .isEqualTo(Date.from(TEN_PM.plusDays(1).withHour(8).toInstant()));
        assertThat((String) marketing.get("reason")).contains("No marketing message between 21:00 and 08:00 local time");
    }

    private String customerInBerlin() {
        String customer = customer();
        assertThat(post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "identities": {"email": "%s@example.com"}, "properties": {"timeZone": "Europe/Berlin"}}"""
                .formatted(customer, customer)).statusCode()).isEqualTo(202);
        return customer;
    }

    private ProcessInstance run(String key, String customer) {
        ProcessInstance run = runtime.createProcessInstanceQuery().processDefinitionKey(key).processInstanceBusinessKey(customer).singleResult();
        assertThat(run).as("the run waits after its decision").isNotNull();
        return run;
    }

    /** A journey (journey category marketing) whose first step decides with the sending policy, then waits. */
    private static String decideThenHold(String key, String category) {
        String event = "it_decide_" + category;
        return ModelerBpmn.saved(DateWaitsIT.journey(key, event, """
                <bpmn:serviceTask id="Decide" camunda:delegateExpression="${decideWithRulesDelegate}"><bpmn:extensionElements><camunda:inputOutput>
                  <camunda:inputParameter name="decision">due-date-offer</camunda:inputParameter>
                  <camunda:inputParameter name="resultVariables">eligible, channel, sendAt, reason</camunda:inputParameter>
                  <camunda:inputParameter name="category">%s</camunda:inputParameter>
                  <camunda:inputParameter name="channels">email</camunda:inputParameter>
                  <camunda:inputParameter name="sharedRules">sendingPolicy</camunda:inputParameter>
                </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>
                <bpmn:sequenceFlow id="Flow_Decided" sourceRef="Decide" targetRef="Step" />
                <bpmn:intermediateCatchEvent id="Step"><bpmn:messageEventDefinition messageRef="Message_Hold" /></bpmn:intermediateCatchEvent>"""
                .formatted(category))
                .replace("sourceRef=\"Start\" targetRef=\"Step\"", "sourceRef=\"Start\" targetRef=\"Decide\"")
                .replace("</bpmn:definitions>", "  <bpmn:message id=\"Message_Hold\" name=\"" + event + "_done\" />\n</bpmn:definitions>"));
    }
}
