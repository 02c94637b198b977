package io.touchpoint.journeys;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.stereotype.Component;

/**
 * Makes every deployment, whether from {@code workflows/}, Camunda Modeler's Deploy button or the REST API,
 * compile and check the journey building blocks ({@link JourneyBlockCompiler}). Also used by the plain engine
 * of the process tests ({@code process-test.camunda.cfg.xml}).
 */
@Component
public class JourneyBlocksPlugin extends AbstractProcessEnginePlugin {

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setBpmnParseFactory(JourneyBlockCompiler.Parse::new);
    }
}
