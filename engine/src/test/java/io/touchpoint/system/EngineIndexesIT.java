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
 * is there once the engine has made its tables; and an execution's variables are read through an index on the
 * execution, not the one on TASK_ID_ that H2 takes when it plans the read on an empty table.
 */
class EngineIndexesIT extends EngineIT {

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

    /** Camunda's read of an execution's variables, as its mapping (VariableInstance.xml) words it. */
    static final String VARIABLES_OF_AN_EXECUTION = "select RES.*, PARENT_EXECUTION.ACT_INST_ID_ from ACT_RU_VARIABLE RES "
            + "left join ACT_RU_EXECUTION EXECUTION on RES.EXECUTION_ID_ = EXECUTION.ID_ "
            + "left join ACT_RU_EXECUTION PARENT_EXECUTION on EXECUTION.PARENT_ID_ = PARENT_EXECUTION.ID_ "
            + "where EXECUTION_ID_ = ? and TASK_ID_ is null";

    @Test
    void anExecutionsVariablesAreReadThroughAnIndexOnTheExecutionEvenWhenPlannedOnAnEmptyTable() {
        assertThat(jdbc.queryForList("select column_name from information_schema.index_columns where index_name = 'ACT_IDX_VARIABLE_EXECUTION_TASK' "
                + "and table_name = 'ACT_RU_VARIABLE' order by ordinal_position", String.class)).containsExactly("EXECUTION_ID_", "TASK_ID_");
        String plan = jdbc.queryForObject("explain " + VARIABLES_OF_AN_EXECUTION, String.class, "no-such-execution");
        assertThat(plan).contains("ACT_IDX_VARIABLE_EXECUTION_TASK").doesNotContain("ACT_IDX_VARIABLE_TASK_ID:");
    }

    @Test
    void aWaitingRunsSubscriptionIsReadThroughAnIndexOnTheExecutionEvenWhenPlannedOnAnEmptyTable() {
        String plan = jdbc.queryForObject("explain select * from ACT_RU_EVENT_SUBSCR where (EVENT_TYPE_ = ?) and (EVENT_NAME_ = ?) "
                + "and (EXECUTION_ID_ = ?)", String.class, "message", "no-such-message", "no-such-execution");
        assertThat(plan).contains("ACT_IDX_EVENT_SUBSCR_EXEC_NAME").doesNotContain("ACT_IDX_EVENT_SUBSCR_EVT_NAME:");
    }
}
