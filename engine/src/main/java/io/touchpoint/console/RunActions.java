package io.touchpoint.console;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** What operators did to journey runs from the console (table {@code console_run_action}): cancel or move, who and why. */
@Repository
class RunActions {

    /** One action on a run. */
    public record Action(String action, String runId, String journey, String fromStep, String toStep, String reason, String by, Instant at) {
    }

    private final JdbcTemplate jdbc;

    RunActions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the action in the caller's transaction: the run's change and its record commit together. */
    void record(Action action) {
        jdbc.update("insert into console_run_action (process_instance_id, journey_key, action, from_step, to_step, reason, done_by, done_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?)",
                action.runId(), action.journey(), action.action(), action.fromStep(), action.toStep(), action.reason(), action.by(),
                Timestamp.from(action.at()));
    }

    /** The actions on a run, oldest first. */
    List<Action> of(String runId) {
        return jdbc.query("select action, process_instance_id, journey_key, from_step, to_step, reason, done_by, done_at"
                        + " from console_run_action where process_instance_id = ? order by done_at, id",
                (row, n) -> new Action(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                        row.getString(6), row.getString(7), row.getTimestamp(8).toInstant()), runId);
    }
}
