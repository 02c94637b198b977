package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;


/** New versions, migration of waiting customers through the API, and refused deployments that leave the running version alone. */
class JourneyVersionsIT extends JourneyIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    RepositoryService repository;
    @Autowired
    HistoryService history;
    @Autowired
    WorkflowDeployer deployer;

    @Test
    void customersWaitingInVersionOneAreMovedToVersionTwoAndFinishThere() {
        deploy("migratingJourney", "");
        List<String> waiting = List.of(customer(), customer(), customer());
        waiting.forEach(c -> event("it_migrate_start", c));
        deploy("migratingJourney", "<bpmn:intermediateThrowEvent id=\"Step_OnlyInV2\" />");
        String newcomer = customer();
        event("it_migrate_start", newcomer);
        assertThat(definitionOf(newcomer).getVersion()).as("a new version takes new entries").isEqualTo(2);
        assertThat(waiting).allSatisfy(c -> assertThat(definitionOf(c).getVersion()).as("running customers stay").isEqualTo(1));

        HttpResponse<String> check = post("/api/journeys/migratingJourney/migrations", "{\"fromVersion\": 1, \"toVersion\": 2}");
        assertThat(check.statusCode()).isEqualTo(200);
        assertThat(check.body()).contains("\"valid\":true").contains("\"instances\":3").contains("\"migrated\":0").contains("\"applied\":false");
        assertThat(waiting).allSatisfy(c -> assertThat(definitionOf(c).getVersion()).as("a check moves nobody").isEqualTo(1));

        HttpResponse<String> applied = post("/api/journeys/migratingJourney/migrations", "{\"fromVersion\": 1, \"toVersion\": 2, \"apply\": true, \"batchSize\": 2}");
        assertThat(applied.statusCode()).isEqualTo(200);
        assertThat(applied.body()).contains("\"migrated\":3").contains("\"failures\":[]").contains("\"applied\":true");

        for (String customer : waiting) {
            ProcessInstance instance = instanceOf(customer);
            assertThat(definitionOf(customer).getVersion()).isEqualTo(2);
            event("it_migrate_release", customer);
            assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(instance.getId()).activityId("Step_OnlyInV2").count())
                    .as("finished on version 2").isOne();
            assertThat(runtime.createProcessInstanceQuery().processInstanceId(instance.getId()).count()).isZero();
        }
    }

    @Test
    void aPlanThatCannotMapTheWaitingStepIsReportedAndNothingMoves() {
        deploy("renamedJourney", "");
        String customer = customer();
        event("it_renamed_start", customer);
        repository.createDeployment().addString("renamed-journey.bpmn", ModelerBpmn.saved(journey("renamedJourney", "").replace("Wait_Release", "Wait_Renamed"))).deploy();

        HttpResponse<String> applied = post("/api/journeys/renamedJourney/migrations", "{\"fromVersion\": 1, \"toVersion\": 2, \"apply\": true}");

        assertThat(applied.statusCode()).isEqualTo(409);
        assertThat(applied.body()).contains("\"unmappable\":{\"Wait_Release\":1}").contains("\"migrated\":0");
        assertThat(definitionOf(customer).getVersion()).isEqualTo(1);
    }

    @Test
    void theMigrationApiNeedsCredentialsAndNamesMissingFields() {
        assertThat(send(request("/api/journeys/migratingJourney/migrations").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()).statusCode()).isEqualTo(401);
        HttpResponse<String> bad = post("/api/journeys/migratingJourney/migrations", "{\"fromVersion\": 1}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("toVersion");
    }

    @Test
    void aBadTemplateParameterDeployedThroughTheRestApiIsRefusedAndTheRunningVersionStays() throws IOException {
        String customer = customer();
        event("customer_signed_up", customer);
        int running = latestWelcomeVersion();
        String broken = Files.readString(Path.of("../workflows/welcome-series.bpmn")).replace("name=\"channel\">email<", "name=\"channel\">fax<");

        HttpResponse<String> refused = deployOverRest("welcome-series.bpmn", broken);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Touchpoint block 'Send_Welcome1'").contains("'channel' is 'fax'");
        assertThat(latestWelcomeVersion()).isEqualTo(running);
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("welcomeSeries").processInstanceBusinessKey(customer).count()).isOne();
    }

    @Test
    void anInvalidBpmnFileIsRefusedWithTheParsersMessageAndTheOthersStay() {
        int running = latestWelcomeVersion();

        Optional<WorkflowDeployer.Refused> refused = deployer.deploy("welcome-series.bpmn",
                new ByteArrayInputStream("<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><bpmn:process id=\"welcomeSeries\" isExecutable=\"true\"><bpmn:startEvent id=\"S\"/><bpmn:sequenceFlow id=\"F\" sourceRef=\"S\" targetRef=\"Nowhere\"/></bpmn:process></bpmn:definitions>"
                        .getBytes(StandardCharsets.UTF_8)));

        assertThat(refused).hasValueSatisfying(r -> assertThat(r.reason()).contains("Nowhere"));
        assertThat(deployer.refused()).extracting(WorkflowDeployer.Refused::file).contains("welcome-series.bpmn");
        assertThat(latestWelcomeVersion()).isEqualTo(running);
    }

    @Test
    void aJourneyTheLinterRejectsIsRefusedOverTheRestApiWithTheRuleAndTheElement() throws IOException {
        int running = repository.createProcessDefinitionQuery().processDefinitionKey("winBack").latestVersion().singleResult().getVersion();
        String broken = Files.readString(Path.of("../workflows/win-back.bpmn")).replace("</bpmn:process>", "<bpmn:task id=\"Task_Forgotten\" /></bpmn:process>");

        HttpResponse<String> refused = deployOverRest("win-back.bpmn", broken);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("'Task_Forgotten': Element is not connected (lint rule no-disconnected)")
                .contains("'Task_Forgotten': Element is missing label/name (lint rule label-required)")
                .contains("'Task_Forgotten': Element is missing bpmndi (lint rule no-bpmndi)");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("winBack").latestVersion().singleResult().getVersion()).isEqualTo(running);
    }

    private int latestWelcomeVersion() {
        return repository.createProcessDefinitionQuery().processDefinitionKey("welcomeSeries").latestVersion().singleResult().getVersion();
    }

    private ProcessInstance instanceOf(String customer) {
        return runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult();
    }

    private org.camunda.bpm.engine.repository.ProcessDefinition definitionOf(String customer) {
        return repository.getProcessDefinition(instanceOf(customer).getProcessDefinitionId());
    }

    private void deploy(String key, String extraStep) {
        repository.createDeployment().name(key).addString(key + ".bpmn", ModelerBpmn.saved(journey(key, extraStep))).deploy();
    }

    /** Started by it_*_start, waits for it_*_release in a Wait for event block, then (version 2) passes an extra step. */
    private static String journey(String key, String extraStep) {
        String prefix = key.equals("migratingJourney") ? "it_migrate" : "it_renamed";
        String afterWait = extraStep.isEmpty() ? "End" : "Step_OnlyInV2";
        String extraFlow = extraStep.isEmpty() ? "" : "<bpmn:sequenceFlow id=\"Flow_3\" sourceRef=\"Step_OnlyInV2\" targetRef=\"End\" />";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_%1$s" targetNamespace="https://touchpoint.io/journeys">
                  <bpmn:message id="Message_Start" name="%2$s_start" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Wait_Release" />
                    <bpmn:receiveTask id="Wait_Release">
                      <bpmn:extensionElements><camunda:properties>
                        <camunda:property name="touchpoint.block" value="waitForEvent" />
                        <camunda:property name="eventType" value="%2$s_release" />
                      </camunda:properties></bpmn:extensionElements>
                    </bpmn:receiveTask>
                    <bpmn:sequenceFlow id="Flow_2" sourceRef="Wait_Release" targetRef="%3$s" />
                    %4$s %5$s
                    <bpmn:endEvent id="End" />
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, prefix, afterWait, extraStep, extraFlow);
    }
}
