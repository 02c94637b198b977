package io.touchpoint.channels;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every message, keyed by its idempotency key (journey instance + step). Each change commits on its own,
 * outside the journey's transaction, so a retried step sees what was already sent and never sends twice.
 */
@Component
public class DeliveryLog {

    /** Where a message is in its life. */
    public enum Status { QUEUED, SENT, FAILED, SUPPRESSED }

    /** One row of the log. */
    public record Entry(String idempotencyKey, String customerId, String channel, String template,
                        String recipient, String subject, Status status, String reason) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final Clock clock;

    DeliveryLog(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    public Optional<Status> status(String idempotencyKey) {
        return jdbc.queryForList("select status from delivery_log where idempotency_key = ?", String.class, idempotencyKey)
                .stream().findFirst().map(Status::valueOf);
    }

    /** Records a message about to be sent, or suppressed (for a retried message, replaces its status). */
    void queue(Entry entry) {
        ownTransaction.executeWithoutResult(tx -> {
            Timestamp now = Timestamp.from(clock.instant());
            int updated = jdbc.update("update delivery_log set status = ?, reason = ?, updated_at = ? where idempotency_key = ?",
                    entry.status().name(), entry.reason(), now, entry.idempotencyKey());
            if (updated == 0) {
                jdbc.update("insert into delivery_log (idempotency_key, customer_id, channel, template, recipient, subject, status, reason, created_at, updated_at) "
                                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        entry.idempotencyKey(), entry.customerId(), entry.channel(), entry.template(), entry.recipient(),
                        entry.subject(), entry.status().name(), entry.reason(), now, now);
            }
        });
    }

    void mark(String idempotencyKey, Status status, String reason) {
        ownTransaction.executeWithoutResult(tx -> jdbc.update(
                "update delivery_log set status = ?, reason = ?, updated_at = ? where idempotency_key = ?",
                status.name(), reason, Timestamp.from(clock.instant()), idempotencyKey));
    }

    /** The newest messages to a customer, newest first. */
    public List<Entry> forCustomer(String customerId) {
        return jdbc.query("select * from delivery_log where customer_id = ? order by created_at desc", (row, n) -> new Entry(
                row.getString("idempotency_key"), row.getString("customer_id"), row.getString("channel"), row.getString("template"),
                row.getString("recipient"), row.getString("subject"), Status.valueOf(row.getString("status")), row.getString("reason")), customerId);
    }
}
