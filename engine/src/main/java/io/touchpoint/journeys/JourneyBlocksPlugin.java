package io.touchpoint.journeys;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Makes every deployment, whether from {@code workflows/}, Camunda Modeler's Deploy button or the REST API,
 * compile and check the journey building blocks ({@link JourneyBlockCompiler}) and the templates and decisions
 * they name ({@link BlockReferences}). Also used by the plain engine of the process tests
 * ({@code process-test.camunda.cfg.xml}).
 */
@Component
public class JourneyBlocksPlugin extends AbstractProcessEnginePlugin {

    private final ObjectProvider<BlockReferences> references;

    /** The plain engine of the process tests: the blocks are checked, the templates and decisions they name are not. */
    public JourneyBlocksPlugin() {
        this.references = null;
    }

    /** The application: also checks that the templates and decisions the steps name exist ({@link BlockReferences}). */
    @Autowired
    public JourneyBlocksPlugin(ObjectProvider<BlockReferences> references) {
        this.references = references;
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setBpmnParseFactory(parser -> new JourneyBlockCompiler.Parse(parser, references == null ? null : references.getObject()));
    }
}
