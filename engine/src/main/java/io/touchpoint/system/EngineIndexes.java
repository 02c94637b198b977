package io.touchpoint.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Indexes Camunda's own schema lacks for the way Touchpoint runs it, added once the engine has made its tables (they
 * are Camunda's, not a Flyway migration's, and do not exist yet when the migrations run on a new database); a no-op
 * afterwards. Building one on a large table takes a while at that first start.
 * <ul>
 * <li>{@code ACT_RU_JOB(DUEDATE_)}: Camunda's job acquisition by due date ({@code job-executor-acquire-by-due-date}
 * in application.yaml) orders the due jobs by it.</li>
 * <li>{@code ACT_RU_VARIABLE(EXECUTION_ID_, TASK_ID_)}, H2 only: an execution's variables are read by
 * {@code EXECUTION_ID_ = ? and TASK_ID_ is null}. H2 plans a statement once per connection and keeps the plan; planned
 * while the table was still empty it took the index on {@code TASK_ID_} alone, which holds every variable of every
 * run, so each continued journey read all of them: 121 continues/s with 20,000 journeys waiting instead of 657/s with
 * 10,000. An index on both columns is the cheapest plan whatever the table holds. (PostgreSQL plans by its
 * statistics and has Camunda's index on {@code EXECUTION_ID_}.)</li>
 * <li>{@code ACT_RU_EVENT_SUBSCR(EXECUTION_ID_, EVENT_NAME_)}, H2 only: a message correlated to a waiting run reads
 * its subscription by {@code EVENT_TYPE_, EVENT_NAME_, EXECUTION_ID_}. Planned on the empty table, or with column
 * statistics H2 took while the table held only the message start events' subscriptions (no execution), it took the
 * index on {@code EVENT_NAME_}, which every run waiting for that message is in: 17 continues/s with 100,000 journeys
 * waiting, against the raw engine's 287/s. So H2 keeps no statistics ({@code ANALYZE_AUTO=0} in
 * {@code touchpoint.h2-settings}) and plans by the columns an index matches, where this index wins.</li>
 * </ul>
 */
@Component
class EngineIndexes implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(EngineIndexes.class);

    private final JdbcTemplate jdbc;
    private final Environment settings;

    EngineIndexes(JdbcTemplate jdbc, Environment settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (settings.getProperty("camunda.bpm.generic-properties.properties.job-executor-acquire-by-due-date", Boolean.class, false)) {
            add("ACT_IDX_JOB_DUEDATE", "ACT_RU_JOB (DUEDATE_)");
        }
        if (settings.getProperty("spring.datasource.url", "").startsWith("jdbc:h2:")) {
            add("ACT_IDX_VARIABLE_EXECUTION_TASK", "ACT_RU_VARIABLE (EXECUTION_ID_, TASK_ID_)");
            add("ACT_IDX_EVENT_SUBSCR_EXEC_NAME", "ACT_RU_EVENT_SUBSCR (EXECUTION_ID_, EVENT_NAME_)");
        }
    }

    private void add(String name, String on) {
        try {
            jdbc.execute("create index if not exists " + name + " on " + on);
        } catch (DataAccessException addedByAnotherNode) {
            // two nodes starting at once on one PostgreSQL: the other one's index serves both
            log.warn("Could not add the index {} on {}: {}", name, on, addedByAnotherNode.getMessage());
        }
    }
}
