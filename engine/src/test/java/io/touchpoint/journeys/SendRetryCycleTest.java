package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.test.mock.MockExpressionManager;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Send message step built from the element template (no retry cycle of its own) fails three times a minute
 * apart before the incident, like the shipped journeys; a step with its own cycle keeps it. A plain in-memory engine.
 */
class SendRetryCycleTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static ProcessEngine engine;

    @BeforeAll
    static void startEngine() {
        StandaloneInMemProcessEngineConfiguration configuration = new StandaloneInMemProcessEngineConfiguration();
        configuration.setJdbcUrl("jdbc:h2:mem:send-retry-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=1000");
        configuration.setProcessEngineName("sendretry" + UUID.randomUUID().toString().replace("-", ""));
        configuration.setJobExecutorActivate(false);
        configuration.setEnforceHistoryTimeToLive(false);
        configuration.setExpressionManager(new MockExpressionManager());
        configuration.setProcessEnginePlugins(List.of(new SendRetryCycle()));
        engine = configuration.buildProcessEngine();
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @AfterEach
    void reset() {
        Mocks.reset();
        ClockUtil.reset();
    }

    @Test
    void aSendMessageStepFromTheTemplateIsRetriedThreeTimesAMinuteApart() {
        Job job = failOnce(journey("templateSend", null));

        assertThat(job.getRetries()).isEqualTo(2);
        assertThat(job.getDuedate()).isEqualTo(Date.from(NOW.plus(Duration.ofMinutes(1))));
    }

    @Test
    void aStepWithItsOwnRetryCycleKeepsIt() {
        Job job = failOnce(journey("ownCycle", "R5/PT5M"));

        assertThat(job.getRetries()).isEqualTo(4);
        assertThat(job.getDuedate()).isEqualTo(Date.from(NOW.plus(Duration.ofMinutes(5))));
    }

    private static BpmnModelInstance journey(String key, String ownCycle) {
        BpmnModelInstance model = Bpmn.createExecutableProcess(key).camundaHistoryTimeToLive(1)
                .startEvent().serviceTask("Send_Welcome").camundaAsyncBefore().camundaDelegateExpression(SendRetryCycle.DELEGATE)
                .endEvent().done();
        ServiceTask send = model.getModelElementById("Send_Welcome");
        send.setAttributeValueNs("http://camunda.org/schema/1.0/bpmn", "modelerTemplate", SendRetryCycle.TEMPLATE);
        if (ownCycle != null) {
            send.builder().camundaFailedJobRetryTimeCycle(ownCycle);
        }
        return model;
    }

    private static Job failOnce(BpmnModelInstance model) {
        ClockUtil.setCurrentTime(Date.from(NOW));
        Mocks.register("sendMessageDelegate", (JavaDelegate) execution -> {
            throw new IllegalStateException("SMTP is down");
        });
        String key = model.getDefinitions().getChildElementsByType(Process.class)
                .iterator().next().getId();
        engine.getRepositoryService().createDeployment().addModelInstance(key + ".bpmn", model).deploy();
        String instance = engine.getRuntimeService().startProcessInstanceByKey(key).getId();
        String jobId = engine.getManagementService().createJobQuery().processInstanceId(instance).singleResult().getId();

        assertThatThrownBy(() -> engine.getManagementService().executeJob(jobId)).hasMessageContaining("SMTP is down");

        return engine.getManagementService().createJobQuery().jobId(jobId).singleResult();
    }
}
