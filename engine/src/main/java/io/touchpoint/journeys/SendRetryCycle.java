package io.touchpoint.journeys;

import java.util.ArrayList;

import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.bpmn.parser.DefaultFailedJobParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.FailedJobRetryConfiguration;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.springframework.stereotype.Component;

/**
 * Gives every Send message step the retry cycle of the shipped journeys, {@value #CYCLE} (three tries a minute
 * apart, then an incident), unless the step names its own {@code camunda:failedJobRetryTimeCycle}. Camunda 7
 * element templates have no binding that writes that extension element, so the Send message template cannot.
 */
@Component
public class SendRetryCycle extends AbstractProcessEnginePlugin {

    static final String CYCLE = "R3/PT1M";
    static final String TEMPLATE = "io.touchpoint.sendMessage";
    static final String DELEGATE = "${sendMessageDelegate}";

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        if (configuration.getCustomPostBPMNParseListeners() == null) {
            configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
        }
        configuration.getCustomPostBPMNParseListeners().add(new AbstractBpmnParseListener() {
            @Override
            public void parseServiceTask(Element task, ScopeImpl scope, ActivityImpl activity) {
                boolean sends = TEMPLATE.equals(task.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "modelerTemplate"))
                        || DELEGATE.equals(task.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "delegateExpression"));
                if (sends && activity.getProperties().get(DefaultFailedJobParseListener.FAILED_JOB_CONFIGURATION) == null) {
                    activity.getProperties().set(DefaultFailedJobParseListener.FAILED_JOB_CONFIGURATION, new FailedJobRetryConfiguration(
                            Context.getProcessEngineConfiguration().getExpressionManager().createExpression(CYCLE)));
                }
            }
        });
    }
}
