package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
}
