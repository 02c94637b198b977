package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.repositoryService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.camunda.bpm.engine.ParseException;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.impl.RepositoryServiceImpl;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Building blocks filled in wrongly are refused at deployment with the element id and the reason. */
class JourneyBlockValidationTest {

    @RegisterExtension
    static final ProcessEngineExtension engine = ProcessEngineExtension.builder()
            .configurationResource("process-test.camunda.cfg.xml").build();

    @Test
    void anUnknownChannelIsRefusedNamingTheStep() throws IOException {
        assertRefused(sample("due-date-reminder.bpmn").replaceFirst("name=\"channel\">email<", "name=\"channel\">fax<"),
                "Send_PersonalAssistantOffer", "'channel' is 'fax', not one of [best, email, push, sms, webhook]");
    }

    @Test
    void aBadIsoOffsetIsRefusedNamingTheWait() throws IOException {
        assertRefused(sample("due-date-reminder.bpmn").replace("value=\"-P21D\"", "value=\"three weeks\""),
                "Wait_ThreeWeeksBeforeDueDate", "'offset' is 'three weeks', not an ISO-8601 offset");
    }

    @Test
    void offsetsOfHoursAndOfDaysAndHoursDeployAsTheyRun() throws IOException {
        for (String offset : new String[] {"-PT24H", "-P1DT2H", "P2W"}) {
            repositoryService().createDeployment().addString("journey.bpmn", sample("due-date-reminder.bpmn").replace("value=\"-P21D\"", "value=\"" + offset + "\"")).deploy();
        }
        assertRefused(sample("due-date-reminder.bpmn").replace("value=\"-P21D\"", "value=\"P1H\""),
                "Wait_ThreeWeeksBeforeDueDate", "'offset' is 'P1H'");
    }

    @Test
    void aTimeOfDayThatIsNoneAndAnUnknownSourceAreRefused() throws IOException {
        assertRefused(sample("due-date-reminder.bpmn").replace("value=\"09:00\"", "value=\"9 am\""),
                "Wait_ThreeWeeksBeforeDueDate", "'timeOfDay' is '9 am'");
        assertRefused(sample("due-date-reminder.bpmn").replace("name=\"offset\"", "name=\"source\" value=\"order\" /><camunda:property name=\"offset\""),
                "Wait_ThreeWeeksBeforeDueDate", "'source' is 'order'");
    }

    @Test
    void aTimeoutTheTimerCannotRunIsRefused() throws IOException {
        assertRefused(sample("win-back.bpmn").replace("value=\"P90D\"", "value=\"-P1D\""), "Wait_NextOrder", "'timeout' is '-P1D', not a positive");
        assertRefused(sample("win-back.bpmn").replace("value=\"P90D\"", "value=\"P0D\""), "Wait_NextOrder", "'timeout' is 'P0D'");
    }

    @Test
    void aTimerWrittenWithoutABlockIsReadAsTheEngineWillReadIt() {
        assertRefused(plainTimer("plainDuration", "<bpmn:timeDuration>PXYZ</bpmn:timeDuration>"), "Step", "'timeDuration' is 'PXYZ', not an ISO-8601 duration");
        assertRefused(plainTimer("plainDate", "<bpmn:timeDate>next tuesday</bpmn:timeDate>"), "Step", "'timeDate' is 'next tuesday', not an ISO-8601 date");
        assertRefused(plainTimer("plainCycle", "<bpmn:timeCycle>R3/PXYZ</bpmn:timeCycle>"), "Step", "'timeCycle' is 'R3/PXYZ'");
        for (String setting : new String[] {"<bpmn:timeDuration>P3D</bpmn:timeDuration>", "<bpmn:timeDate>2030-01-01T09:00:00Z</bpmn:timeDate>",
                "<bpmn:timeCycle>R3/PT1M</bpmn:timeCycle>", "<bpmn:timeDuration>${waits.get('abandoned-cart')}</bpmn:timeDuration>"}) {
            repositoryService().createDeployment().addString("journey.bpmn", plainTimer("plainFine", setting)).deploy();
        }
    }

    private static String plainTimer(String key, String setting) {
        return ModelerBpmn.saved(DateWaitsIT.journey(key, "it_" + key, """
                <bpmn:intermediateCatchEvent id="Step"><bpmn:timerEventDefinition>%s</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"""
                .formatted(setting)));
    }

    @Test
    void anAttributeThatIsNoAttributeNameIsRefused() throws IOException {
        assertRefused(sample("welcome-series.bpmn").replace("name=\"attribute\">welcomeSeriesCompleted<", "name=\"attribute\">welcome series!<"),
                "Update_WelcomeCompleted", "'attribute' is 'welcome series!', not an attribute name");
    }

    @Test
    void aBadLearningSettingIsRefusedByTheParserTheStepRunsWith() throws IOException {
        String decide = "<camunda:inputParameter name=\"decision\">abandoned-cart-offer</camunda:inputParameter>";
        assertRefused(sample("abandoned-cart.bpmn").replace(decide, decide + "<camunda:inputParameter name=\"mode\">learning</camunda:inputParameter>"
                + "<camunda:inputParameter name=\"holdout\">half</camunda:inputParameter>"), "Decide_Offer", "'holdout' is 'half', not a whole percentage");
        assertRefused(sample("abandoned-cart.bpmn").replace(decide, decide + "<camunda:inputParameter name=\"mode\">learning</camunda:inputParameter>"
                + "<camunda:inputParameter name=\"attributionWindow\">a week</camunda:inputParameter>"), "Decide_Offer", "'attributionWindow' is 'a week'");
    }

    @Test
    void aBadSendTimeIsRefused() throws IOException {
        String template = "<camunda:inputParameter name=\"template\">win-back-offer</camunda:inputParameter>";
        assertRefused(sample("win-back.bpmn").replace(template, template + "<camunda:inputParameter name=\"sendTime\">tonight</camunda:inputParameter>"),
                "Send_WinBackOffer", "'sendTime' is 'tonight', not one of [bestTime, now]");
        assertRefused(sample("win-back.bpmn").replace(template, template + "<camunda:inputParameter name=\"sendTime\">bestTime</camunda:inputParameter>"
                + "<camunda:inputParameter name=\"sendWindow\">P30D</camunda:inputParameter>"), "Send_WinBackOffer", "a send window is at most 7 days");
    }

    @Test
    void anEmptyTemplateParameterIsRefused() throws IOException {
        assertRefused(sample("welcome-series.bpmn").replace("name=\"template\">welcome-3<", "name=\"template\"><"),
                "Send_Welcome3", "'template' is empty");
    }

    @Test
    void aSplitWithoutAFlowForAVariantIsRefused() throws IOException {
        assertRefused(sample("welcome-series.bpmn").replace("name=\"B\" sourceRef", "name=\"C\" sourceRef"),
                "Split_SecondEmail", "has no outgoing flow named 'B'");
    }

    @Test
    void aBadTimeoutIsRefused() throws IOException {
        assertRefused(sample("win-back.bpmn").replace("value=\"P90D\"", "value=\"90 days\""),
                "Wait_NextOrder", "'timeout' is '90 days'");
    }

    @Test
    void anUnknownReentryPolicyIsRefused() throws IOException {
        assertRefused(sample("win-back.bpmn").replace("name=\"reentry\" value=\"afterExit\"", "name=\"reentry\" value=\"sometimes\""),
                "winBack", "'reentry' is 'sometimes'");
    }

    @Test
    void aJourneyTheLinterRejectsIsRefusedNamingTheRuleAndTheElement() throws IOException {
        String forgottenStep = sample("win-back.bpmn").replace("</bpmn:process>", "<bpmn:task id=\"Task_Forgotten\" /></bpmn:process>");

        assertThatThrownBy(() -> repositoryService().createDeployment().addString("journey.bpmn", forgottenStep).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("'Task_Forgotten': Element is not connected (lint rule no-disconnected)")
                .hasMessageContaining("'Task_Forgotten': Element is an implicit start (lint rule no-implicit-start)")
                .satisfies(e -> assertThat(((ParseException) e).getResorceReports().get(0).getErrors())
                        .extracting(org.camunda.bpm.engine.Problem::getMainElementId).containsOnly("Task_Forgotten"));
    }

    @Test
    void aDecisionResultThatDoesNotExistIsRefused() throws IOException {
        assertRefused(sample("due-date-reminder.bpmn").replace("name=\"resultVariables\">offer<", "name=\"resultVariables\">offerText<"),
                "Decide_HospitalBagOffer", "'resultVariables' names 'offerText', not one of");
    }

    @Test
    void everySendMessageStepGetsTheSendingPolicyAndAWaitButAWebhookDoesNot() throws IOException {
        repositoryService().createDeployment().addString("win-back.bpmn", sample("win-back.bpmn")
                .replace("name=\"channel\">sms<", "name=\"channel\">webhook<")).deploy();
        String definition = repositoryService().createProcessDefinitionQuery().processDefinitionKey("winBack").latestVersion().singleResult().getId();
        ProcessDefinitionEntity parsed = (ProcessDefinitionEntity) ((RepositoryServiceImpl) repositoryService()).getDeployedProcessDefinition(definition);

        assertThat(parsed.findActivity("Send_WinBackOffer_DecideSendTime")).isNotNull();
        assertThat(parsed.findActivity("Send_WinBackOffer_WaitUntilSendAllowed").getProperty("type")).isEqualTo("intermediateTimer");
        assertThat(parsed.findActivity("Decide_WinBackOffer").getOutgoingTransitions()).singleElement()
                .satisfies(flow -> assertThat(flow.getDestination().getId()).isEqualTo("Send_WinBackOffer_DecideSendTime"));
        assertThat(parsed.findActivity("Send_WinBackSms_DecideSendTime")).as("a webhook is not a message to the customer").isNull();
    }

    @Test
    void anInstanceKeyThatIsNoPropertyNameIsRefused() throws IOException {
        assertRefused(sample("win-back.bpmn").replace("<camunda:property name=\"reentry\"", "<camunda:property name=\"instanceKey\" value=\"order id\" /><camunda:property name=\"reentry\""),
                "winBack", "'instanceKey' is 'order id', not an attribute name");
    }

    @Test
    void aGoalWhoseMessageIsNamedOtherwiseIsRefused() throws IOException {
        assertRefused(sample("welcome-series.bpmn").replace("name=\"order_placed\" />", "name=\"order_cancelled\" />"),
                "Start_FirstPurchase", "a goal's message is named after its event type 'order_placed'");
    }

    @Test
    void aGoalOnAStartEventOutsideAnEventSubProcessIsRefused() throws IOException {
        assertRefused(sample("welcome-series.bpmn").replace("triggeredByEvent=\"true\"", ""),
                "Start_FirstPurchase", "apply the Goal template to the start event of an interrupting event sub-process");
    }

    @Test
    void aGoalWithoutAMessageGetsOneNamedAfterItsEventType() throws IOException {
        String withoutMessage = sample("welcome-series.bpmn").replace(" messageRef=\"Message_OrderPlaced\"", "")
                .replace("<bpmn:message id=\"Message_OrderPlaced\" name=\"order_placed\" />", "");
        repositoryService().createDeployment().addString("welcome-without-goal-message.bpmn", withoutMessage).deploy();
        org.camunda.bpm.engine.test.mock.Mocks.register("sendPolicyDelegate", (org.camunda.bpm.engine.delegate.JavaDelegate) execution ->
                execution.setVariable(SendPolicyDelegate.laterVariable((String) execution.getVariableLocal(SendPolicyDelegate.SEND_STEP)), false));

        org.camunda.bpm.engine.RuntimeService runtime = org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService();
        String instance = runtime.createMessageCorrelation("customer_signed_up").processInstanceBusinessKey("c-goal").correlateStartMessage().getId();
        runtime.createMessageCorrelation("order_placed").processInstanceBusinessKey("c-goal").correlate();
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(instance).count()).isZero();
    }

    @Test
    void theSamplesDeploy() throws IOException {
        for (String file : new String[] {"due-date-reminder.bpmn", "welcome-series.bpmn", "win-back.bpmn", "abandoned-cart.bpmn"}) {
            repositoryService().createDeployment().addString(file, sample(file)).deploy();
        }
        assertThat(repositoryService().createProcessDefinitionQuery().count()).isGreaterThanOrEqualTo(4);
    }

    private static void assertRefused(String bpmn, String elementId, String reason) {
        assertThatThrownBy(() -> repositoryService().createDeployment().addString("journey.bpmn", bpmn).deploy())
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("Touchpoint block '" + elementId + "'")
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((ParseException) e).getResorceReports().get(0).getErrors().get(0).getMainElementId()).isEqualTo(elementId));
    }

    static String sample(String file) throws IOException {
        return Files.readString(Path.of("../workflows", file), StandardCharsets.UTF_8);
    }
}
