package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile journey that got past the deployment check (deployed here on an engine without it, as one deployed
 * before the check or written straight into ACT_GE_BYTEARRAY would be) is inert: the restricted expression manager
 * refuses every method call, bean and property a journey may not use. Plain in-memory engine, no Spring.
 */
class JourneyExpressionsTest {

    static ProcessEngine engine;
    static String database;
    static final AtomicBoolean sqlRan = new AtomicBoolean();
    static final AtomicBoolean classRan = new AtomicBoolean();

    @BeforeAll
    static void engineWithoutTheDeploymentCheck() {
        JourneyWaits waits = new JourneyWaits();
        waits.setWaits(Map.of("short", Duration.ofMinutes(1)));
        Map<String, Object> beans = Map.of("waits", waits, "journeySplits", new JourneySplits((customer, journey, split, variant) -> { }),
                "jdbcTemplate", sqlRan); // stands for any bean of the application
        ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) ProcessEngineConfiguration
                .createStandaloneInMemProcessEngineConfiguration()
                .setJdbcUrl(database = "jdbc:h2:mem:expressions-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .setDatabaseSchemaUpdate("true")
                .setJobExecutorActivate(false)
                .setHistory("none")
                .setProcessEngineName("journey-expressions-test");
        configuration.setEnforceHistoryTimeToLive(false);
        configuration.setExpressionManager(new JourneyExpressions.Manager(beans::get));
        engine = configuration.buildProcessEngine();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void runtimeExecThroughGetClassDoesNotRun() {
        Path marker = Path.of(System.getProperty("java.io.tmpdir"), "touchpoint-pwned-" + UUID.randomUUID());
        String payload = "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch " + marker + "')}";

        assertThatThrownBy(() -> run(payload)).isInstanceOf(ProcessEngineException.class)
                .hasMessageContaining("A journey may not call 'getClass' on a java.lang.String");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aBeanOffTheAllowListIsUnknown() {
        assertThatThrownBy(() -> run("${jdbcTemplate.set(true)}")).isInstanceOf(ProcessEngineException.class)
                .hasMessageContaining("Cannot resolve identifier 'jdbcTemplate'");
        assertThat(sqlRan).isFalse();
    }

    @Test
    void aMethodOffTheAllowListOfAnAllowedBeanIsRefused() {
        assertThatThrownBy(() -> run("${journeySplits.getClass()}")).isInstanceOf(ProcessEngineException.class)
                .hasMessageContaining("A journey may not call 'getClass'");
    }

    @Test
    void theClassPropertyAndEngineServicesAreRefused() {
        assertThatThrownBy(() -> run("${customerId.class}")).isInstanceOf(ProcessEngineException.class)
                .hasMessageContaining("A journey may not read 'class' of a java.lang.String");
        assertThatThrownBy(() -> run("${execution.processEngineServices}")).isInstanceOf(ProcessEngineException.class)
                .hasMessageContaining("A journey may not read 'processEngineServices'");
    }

    @Test
    void whatTheBlocksUseStillWorks() {
        String instance = run("${waits.get('short')} ${execution.getVariable('customerId')} ${customerId == 'c-1'}");

        assertThat(engine.getRuntimeService().getVariable(instance, "result")).isEqualTo("PT1M c-1 true");
    }

    @Test
    void aJavaClassOrListenerWrittenPastTheCheckDoesNotRunOnTheApplicationsEngine() {
        String key = "p" + UUID.randomUUID().toString().replace("-", "");
        engine.getRepositoryService().createDeployment().addString(key + ".bpmn", """
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
                  <bpmn:process id="%s" isExecutable="true">
                    <bpmn:startEvent id="Start"><bpmn:extensionElements>
                      <camunda:executionListener class="%s" event="start" />
                    </bpmn:extensionElements></bpmn:startEvent>
                    <bpmn:serviceTask id="Task_Hostile" camunda:class="%2$s" />
                    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Hostile" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(key, Hostile.class.getName())).deploy();
        ProcessEngineConfigurationImpl checked = (ProcessEngineConfigurationImpl) ProcessEngineConfiguration
                .createStandaloneProcessEngineConfiguration().setJdbcUrl(database).setDatabaseSchemaUpdate("false")
                .setJobExecutorActivate(false).setHistory("none").setProcessEngineName("journey-expressions-checked");
        checked.setEnforceHistoryTimeToLive(false);
        checked.getProcessEnginePlugins().add(new JourneyBlocksPlugin()); // as the application's engine parses every definition
        ProcessEngine application = checked.buildProcessEngine();
        try {
            assertThatThrownBy(() -> application.getRuntimeService().startProcessInstanceByKey(key, "c-1"))
                    .hasMessageContaining("Task_Hostile").hasMessageContaining("names a Java class");
        } finally {
            application.close();
        }
        assertThat(classRan).as("neither the listener nor the task ran").isFalse();
    }

    /** What a hostile journey names as its Java class: it would mark that it ran. */
    public static class Hostile implements org.camunda.bpm.engine.delegate.JavaDelegate, org.camunda.bpm.engine.delegate.ExecutionListener {
        @Override
        public void execute(org.camunda.bpm.engine.delegate.DelegateExecution execution) {
            notify(execution);
        }

        @Override
        public void notify(org.camunda.bpm.engine.delegate.DelegateExecution execution) {
            classRan.set(true);
        }
    }

    /** Deploys a journey whose one step evaluates the expression, starts it and returns the waiting instance. */
    private static String run(String expression) {
        String key = "p" + UUID.randomUUID().toString().replace("-", "");
        String bpmn = """
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
                  <bpmn:process id="%s" isExecutable="true">
                    <bpmn:startEvent id="Start" />
                    <bpmn:serviceTask id="Step" camunda:expression="%s" camunda:resultVariable="result" />
                    <bpmn:receiveTask id="Wait" />
                    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Step" />
                    <bpmn:sequenceFlow id="F2" sourceRef="Step" targetRef="Wait" />
                  </bpmn:process>
                </bpmn:definitions>""".formatted(key, expression.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;"));
        engine.getRepositoryService().createDeployment().addString(key + ".bpmn", bpmn).deploy();
        return engine.getRuntimeService().startProcessInstanceByKey(key, "c-1", Map.of("customerId", "c-1")).getId();
    }
}
