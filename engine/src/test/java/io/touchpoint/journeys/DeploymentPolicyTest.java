package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.repositoryService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile BPMN (the payloads of issue 15: Runtime.exec through getClass, a Spring bean's SQL, scripts, Java classes,
 * listeners, external resources, oversize files) is refused at deployment naming the element; what the blocks and
 * the shipped journeys use still deploys. Plain engine of process-test.camunda.cfg.xml, no Spring.
 */
class DeploymentPolicyTest {

    @RegisterExtension
    static final ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("process-test.camunda.cfg.xml").build();

    static final String RUNTIME_EXEC = "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch /tmp/pwned')}";

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("Runtime.exec through getClass().forName",
                        task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:expression=\"" + RUNTIME_EXEC + "\" />"),
                        "Task_Hostile", "calls a method on a computed value"),
                Arguments.of("getClass on a variable", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:expression=\"${offer.getClass()}\" />"),
                        "Task_Hostile", "calls 'offer.getClass()'"),
                Arguments.of("a Spring bean's SQL", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:expression=\"${jdbcTemplate.queryForList(&quot;SCRIPT TO '/tmp/dump.sql'&quot;)}\" />"),
                        "Task_Hostile", "calls 'jdbcTemplate.queryForList()'"),
                Arguments.of("a bean method off the allow-list", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:expression=\"${journeySplits.toString()}\" />"),
                        "Task_Hostile", "calls 'journeySplits.toString()'"),
                Arguments.of("the class property", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:expression=\"${offer.class}\" />"),
                        "Task_Hostile", "reads 'class'"),
                Arguments.of("engine services through execution", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:expression=\"${execution.processEngineServices}\" />"),
                        "Task_Hostile", "reads 'execution.processEngineServices'"),
                Arguments.of("a bean's delegate off the allow-list", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:delegateExpression=\"${jdbcTemplate}\" />"),
                        "Task_Hostile", "a task may name only a block's delegate"),
                Arguments.of("a Java class", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:class=\"java.lang.Runtime\" />"),
                        "Task_Hostile", "'class' names a Java class"),
                Arguments.of("a script task", task("<bpmn:scriptTask id=\"Task_Hostile\" scriptFormat=\"javascript\"><bpmn:script>java.lang.Runtime.getRuntime().exec('id')</bpmn:script></bpmn:scriptTask>"),
                        "Task_Hostile", "scriptTask runs code"),
                Arguments.of("an execution listener class", task("<bpmn:task id=\"Task_Hostile\"><bpmn:extensionElements><camunda:executionListener class=\"java.lang.Object\" event=\"start\" /></bpmn:extensionElements></bpmn:task>"),
                        "Task_Hostile", "executionListener may only call a building block's expression"),
                Arguments.of("an execution listener script", task("<bpmn:task id=\"Task_Hostile\"><bpmn:extensionElements><camunda:executionListener event=\"start\"><camunda:script scriptFormat=\"groovy\">'id'.execute()</camunda:script></camunda:executionListener></bpmn:extensionElements></bpmn:task>"),
                        "Task_Hostile", "script runs code"),
                Arguments.of("a task listener expression", task("<bpmn:userTask id=\"Task_Hostile\"><bpmn:extensionElements><camunda:taskListener event=\"create\" expression=\"${task.execution.setVariable('x', 1)}\" /></bpmn:extensionElements></bpmn:userTask>"),
                        "Task_Hostile", "calls a method on a computed value"),
                Arguments.of("an external script resource", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:delegateExpression=\"${updateProfileDelegate}\"><bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name=\"attribute\">a</camunda:inputParameter><camunda:inputParameter name=\"value\"><camunda:script scriptFormat=\"groovy\" resource=\"classpath://evil.groovy\" /></camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"),
                        "Task_Hostile", "script runs code"),
                Arguments.of("a script condition", "<bpmn:startEvent id=\"Start\" /><bpmn:exclusiveGateway id=\"Gateway_Hostile\" /><bpmn:endEvent id=\"End\" />"
                                + "<bpmn:sequenceFlow id=\"Flow_1\" sourceRef=\"Start\" targetRef=\"Gateway_Hostile\" />"
                                + "<bpmn:sequenceFlow id=\"Flow_Hostile\" sourceRef=\"Gateway_Hostile\" targetRef=\"End\"><bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\" language=\"groovy\">'id'.execute() != null</bpmn:conditionExpression></bpmn:sequenceFlow>",
                        "Flow_Hostile", "'language' loads or runs a script"),
                Arguments.of("a timer expression calling code", "<bpmn:startEvent id=\"Start\" /><bpmn:intermediateCatchEvent id=\"Timer_Hostile\"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">${dateTime().toString()}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
                                + "<bpmn:sequenceFlow id=\"Flow_1\" sourceRef=\"Start\" targetRef=\"Timer_Hostile\" />",
                        "Timer_Hostile", "calls a method on a computed value"),
                Arguments.of("an external task", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:type=\"external\" camunda:topic=\"anything\" />"),
                        "Task_Hostile", "external tasks are not a building block"),
                Arguments.of("a connector", task("<bpmn:serviceTask id=\"Task_Hostile\"><bpmn:extensionElements><camunda:connector><camunda:connectorId>http-connector</camunda:connectorId></camunda:connector></bpmn:extensionElements></bpmn:serviceTask>"),
                        "Task_Hostile", "connector runs code"),
                Arguments.of("a Spin function", task("<bpmn:serviceTask id=\"Task_Hostile\" camunda:expression=\"${S('{}')}\" />"),
                        "Task_Hostile", "calls the function 'S'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileContentIsRefusedNamingTheElement(String what, String process, String elementId, String reason) {
        assertThatThrownBy(() -> repositoryService().createDeployment().addString("hostile.bpmn", journey(process)).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("Not allowed in a journey, '" + elementId + "'")
                .hasMessageContaining(reason);
        assertThat(repositoryService().createProcessDefinitionQuery().processDefinitionKey("hostile").count()).isZero();
    }

    @Test
    void aFileOverTheSizeCapIsRefused() {
        String padding = "<bpmn:documentation>" + "x".repeat(DeploymentPolicy.MAX_BYTES) + "</bpmn:documentation>";
        assertThatThrownBy(() -> repositoryService().createDeployment().addString("big.bpmn",
                journey(padding + "<bpmn:startEvent id=\"Start\" />")).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("a journey may have at most " + DeploymentPolicy.MAX_BYTES);
    }

    @Test
    void aFileWithTooManyElementsIsRefused() {
        StringBuilder steps = new StringBuilder("<bpmn:startEvent id=\"Start\" />");
        for (int i = 0; i < DeploymentPolicy.MAX_ELEMENTS; i++) {
            steps.append("<bpmn:task id=\"Task_").append(i).append("\" />");
        }
        assertThatThrownBy(() -> repositoryService().createDeployment().addString("many.bpmn", journey(steps.toString())).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("elements; a journey may have at most " + DeploymentPolicy.MAX_ELEMENTS);
    }

    @Test
    void whatTheBlocksAndJourneyVariablesNeedIsAllowed() {
        for (String expression : List.of("${offer == 'personalAssistant'}", "${offerEligible}", "${sendAt}", "${waits.get('abandoned-cart')}",
                "${journeyDates.dueDate(customerId, 'dueDate', '-P21D', '09:00')}", "${execution.getVariable('split') == 'A'}",
                "${journeySplits.assign(execution, 'A:50,B:50', 10)}", "${trigger.properties.total > 100}", "${event['cartId']}",
                "${not empty offer and offerEligible}", "${now()}")) {
            assertThat(DeploymentPolicy.problems(expression)).as(expression).isEmpty();
        }
    }

    @Test
    void everyShippedJourneyDeploys() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../workflows"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".bpmn")).toList()) {
                repositoryService().createDeployment().addString(file.getFileName().toString(), Files.readString(file)).deploy();
            }
        }
        assertThat(repositoryService().createProcessDefinitionQuery().latestVersion().count()).isGreaterThanOrEqualTo(4);
    }

    private static String task(String task) {
        return "<bpmn:startEvent id=\"Start\" />" + task;
    }

    private static String journey(String content) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_Hostile" targetNamespace="http://touchpoint.io/test">
                  <bpmn:process id="hostile" isExecutable="true" camunda:historyTimeToLive="30">%s</bpmn:process>
                </bpmn:definitions>
                """.formatted(content);
    }
}
