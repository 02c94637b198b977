package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;

/**
 * The job executor's documented defaults reach the engine (application.yaml, README "Configuration and profiles"):
 * jobs are acquired by due date, every job gets one (a send step's is its creation time, so it is not taken last or
 * first for having none), due timers are not preferred over send steps, and the index the acquisition query orders by
 * is there once the engine has made its tables.
 */
class JobDueDateIndexIT extends EngineIT {

    @Autowired
    ProcessEngine engine;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void jobsAreAcquiredByDueDateThroughAnIndexOnIt() {
        ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
        assertThat(configuration.isJobExecutorAcquireByDueDate()).isTrue();
        assertThat(configuration.isEnsureJobDueDateNotNull()).isTrue();
        assertThat(configuration.isJobExecutorPreferTimerJobs()).isFalse();
        assertThat(jdbc.queryForList("select column_name from information_schema.index_columns where index_name = 'ACT_IDX_JOB_DUEDATE' "
                + "and table_name = 'ACT_RU_JOB'", String.class)).containsExactly("DUEDATE_");
    }
}
