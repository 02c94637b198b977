package io.touchpoint.console;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The jobs each retry gave one more try (table {@code console_retry_job}), so that its outcome can be watched job by job. */
@Repository
class RetryJobs {

    /** A job of a retry: which incident it held, where, and why it had failed before the retry. */
    record RetriedJob(String retryId, String jobId, String incidentId, String runId, String journey, String step,
                      String previousReason, String by, Instant at) {
    }

    private final JdbcTemplate jdbc;

    RetryJobs(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void record(RetriedJob job) {
        jdbc.update("insert into console_retry_job (retry_id, job_id, incident_id, process_instance_id, journey_key, step, previous_reason,"
                        + " done_by, done_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                job.retryId(), job.jobId(), job.incidentId(), job.runId(), job.journey(), job.step(), bounded(job.previousReason()),
                job.by(), Timestamp.from(job.at()));
    }

    List<RetriedJob> of(String retryId) {
        return jdbc.query("select retry_id, job_id, incident_id, process_instance_id, journey_key, step, previous_reason, done_by, done_at"
                        + " from console_retry_job where retry_id = ? order by journey_key, step, job_id",
                (row, n) -> new RetriedJob(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                        row.getString(6), row.getString(7), row.getString(8), row.getTimestamp(9).toInstant()), retryId);
    }

    private static String bounded(String reason) {
        return reason == null || reason.length() <= 4000 ? reason : reason.substring(0, 3997) + "...";
    }
}
