package io.touchpoint.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The index Camunda's job acquisition by due date needs ({@code job-executor-acquire-by-due-date} in
 * application.yaml): its query orders the due jobs by {@code ACT_RU_JOB.DUEDATE_}, which Camunda's own schema does
 * not index. Added once the engine has made its tables (they are Camunda's, not a Flyway migration's, and do not
 * exist yet when the migrations run on a new database); a no-op afterwards. Building it on a large job table takes a
 * while at that first start.
 */
@Component
class JobDueDateIndex implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(JobDueDateIndex.class);

    private final JdbcTemplate jdbc;
    private final Environment settings;

    JobDueDateIndex(JdbcTemplate jdbc, Environment settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (!settings.getProperty("camunda.bpm.generic-properties.properties.job-executor-acquire-by-due-date", Boolean.class, false)) {
            return;
        }
        try {
            jdbc.execute("create index if not exists ACT_IDX_JOB_DUEDATE on ACT_RU_JOB (DUEDATE_)");
        } catch (DataAccessException addedByAnotherNode) {
            // two nodes starting at once on one PostgreSQL: the other one's index serves both
            log.warn("Could not add the index ACT_IDX_JOB_DUEDATE on ACT_RU_JOB(DUEDATE_): {}", addedByAnotherNode.getMessage());
        }
    }
}
