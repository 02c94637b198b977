package io.touchpoint.system;

import javax.xml.datatype.DatatypeFactory;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;

/**
 * The raw Camunda 7 engine that Touchpoint embeds, built bare in the benchmark's JVM: a standalone engine on a
 * database of its own (an H2 file with Touchpoint's H2 settings, or a PostgreSQL database), history level
 * {@code activity} as Touchpoint's, Camunda's own job executor with its default settings, and nothing of Touchpoint
 * (no plugins, listeners or Spring). The one setting it shares: JAXP is told its {@link DatatypeFactory}, as
 * Touchpoint's {@code journeys.TimerDueDates} does, or every timer would search the test class path's jars for one.
 */
final class RawCamunda implements AutoCloseable {

    final ProcessEngine engine;

    RawCamunda(String name, String jdbcUrl, String user, String password) {
        if (System.getProperty(DatatypeFactory.DATATYPEFACTORY_PROPERTY) == null) {
            System.setProperty(DatatypeFactory.DATATYPEFACTORY_PROPERTY, DatatypeFactory.DATATYPEFACTORY_IMPLEMENTATION_CLASS);
        }
        ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) ProcessEngineConfiguration
                .createStandaloneProcessEngineConfiguration()
                .setProcessEngineName(name)
                .setJdbcUrl(jdbcUrl).setJdbcUsername(user).setJdbcPassword(password)
                .setJdbcDriver(jdbcUrl.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : "org.h2.Driver")
                .setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE)
                .setHistory(ProcessEngineConfiguration.HISTORY_ACTIVITY)
                .setJobExecutorActivate(true);
        configuration.setEnforceHistoryTimeToLive(false);
        this.engine = configuration.buildProcessEngine();
    }

    @Override
    public void close() {
        engine.close();
    }
}
