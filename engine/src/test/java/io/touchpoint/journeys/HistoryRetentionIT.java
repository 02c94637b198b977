package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The history keeps no removal time (the engine does not rewrite a run's history rows when it ends), and a
 * history cleanup, when one runs, removes ended runs by their end time and the journey's history time to live.
 */
class HistoryRetentionIT extends JourneyIT {

    @Autowired
    RepositoryService repository;
    @Autowired
    HistoryService history;
    @Autowired
    ManagementService management;

    @Test
    void anEndedRunHasNoRemovalTimeAndTheCleanupRemovesItByItsEndTime() {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("retentionZero").count() == 0) {
            repository.createDeployment().addString("retention-zero.bpmn", ModelerBpmn.saved("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                      id="Definitions_retention" targetNamespace="https://touchpoint.io/journeys">
                      <bpmn:message id="Message_Start" name="it_retention_start" />
                      <bpmn:process id="retentionZero" isExecutable="true" camunda:historyTimeToLive="0">
                        <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Message_Start" /></bpmn:startEvent>
                        <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="End" />
                        <bpmn:endEvent id="End" />
                      </bpmn:process>
                    </bpmn:definitions>
                    """)).deploy();
        }
        String customer = customer();
        event("it_retention_start", customer);

        HistoricProcessInstance ended = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult();
        assertThat(ended.getEndTime()).as("the run ended in the event's transaction").isNotNull();
        assertThat(ended.getRemovalTime()).as("removal time of the ended run").isNull();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(ended.getId()).list())
                .isNotEmpty().allSatisfy(step -> assertThat(step.getRemovalTime()).isNull());

        Job cleanup = history.cleanUpHistoryAsync(true);
        try {
            management.executeJob(cleanup.getId());
        } catch (OptimisticLockingException takenByTheJobExecutor) {
            // the job executor ran it meanwhile
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(history.createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(customer).count()).as("history of the run past its time to live").isZero());
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(ended.getId()).count()).isZero();
    }
}
