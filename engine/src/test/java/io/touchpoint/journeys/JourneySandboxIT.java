package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.el.StartProcessVariableScope;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.EngineIT;

/**
 * In the running application: a marketer's hostile deployment through Camunda Modeler's REST endpoint is refused
 * with 400 naming the element, and the engine's expressions see only the allow-listed beans (the Spring
 * integration's expression manager, which exposes every bean, is replaced), so even a hostile definition that is
 * already in the database cannot reach jdbcTemplate or call getClass.
 */
class JourneySandboxIT extends EngineIT {

    @Autowired
    RepositoryService repository;
    @Autowired
    ProcessEngineConfigurationImpl engine;

    @Test
    void aHostileJourneyDeployedByAMarketerIsRefusedNamingTheElement() {
        String bpmn = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
                  <bpmn:process id="sandboxProbe" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="Start" />
                    <bpmn:serviceTask id="Task_Dump" camunda:expression="${jdbcTemplate.queryForList(&quot;SCRIPT TO '/tmp/dump.sql'&quot;)}" />
                    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Dump" />
                  </bpmn:process>
                </bpmn:definitions>""";

        HttpResponse<String> refused = deploy("marketer", "marketer", bpmn);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Not allowed in a journey, 'Task_Dump'").contains("jdbcTemplate.queryForList()");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("sandboxProbe").count()).isZero();
    }

    @Test
    void theEnginesExpressionsSeeOnlyTheAllowList() {
        assertThat(evaluate("${waits.get('abandoned-cart')}")).isEqualTo("PT1H");
        assertThatThrownBy(() -> evaluate("${jdbcTemplate.queryForList('select 1')}")).hasMessageContaining("Cannot resolve identifier 'jdbcTemplate'");
        assertThatThrownBy(() -> evaluate("${''.getClass().forName('java.lang.Runtime')}")).hasMessageContaining("A journey may not call 'getClass'");
        assertThatThrownBy(() -> evaluate("${waits.getWaits()}")).hasMessageContaining("A journey may not call 'getWaits'");
    }

    private Object evaluate(String expression) {
        return engine.getCommandExecutorTxRequired().execute(context ->
                engine.getExpressionManager().createExpression(expression).getValue(StartProcessVariableScope.getSharedInstance()));
    }

    private HttpResponse<String> deploy(String user, String password, String bpmn) {
        String boundary = "----sandbox" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\nsandbox\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"sandbox.bpmn\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + bpmn + "\r\n--" + boundary + "--\r\n";
        return send(request("/engine-rest/engine/default/deployment/create").header("Authorization", basic(user, password))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
