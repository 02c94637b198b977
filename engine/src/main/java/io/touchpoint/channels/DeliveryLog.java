package io.touchpoint.channels;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
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

    /** Where a message is in its life; SENT and SUPPRESSED are final, a FAILED or QUEUED message may be tried again. */
    public enum Status {
        QUEUED, SENT, FAILED, SUPPRESSED;

        public boolean isFinal() {
            return this == SENT || this == SUPPRESSED;
        }
    }

    /** One row of the log. */
    public record Entry(String idempotencyKey, String messageId, String customerId, String channel, String template,
                        String category, String recipient, String subject, Status status, String reason,
                        String providerMessageId, Instant createdAt, Instant updatedAt) {
    }

    private static final String COLUMNS = "idempotency_key, message_id, customer_id, channel, template, category, recipient, "
            + "subject, status, reason, provider_message_id, created_at, updated_at";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final Clock clock;

    DeliveryLog(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    public Optional<Entry> find(String idempotencyKey) {
        return jdbc.query("select " + COLUMNS + " from delivery_log where idempotency_key = ?", DeliveryLog::entry, idempotencyKey)
                .stream().findFirst();
    }

    public Optional<Entry> findByMessageId(String messageId) {
        return jdbc.query("select " + COLUMNS + " from delivery_log where message_id = ?", DeliveryLog::entry, messageId)
                .stream().findFirst();
    }

    public Optional<Status> status(String idempotencyKey) {
        return find(idempotencyKey).map(Entry::status);
    }

    /** Records a message with its status (for a message tried again, replaces what the earlier try recorded). */
    void record(Entry entry) {
        ownTransaction.executeWithoutResult(tx -> {
            Timestamp now = Timestamp.from(clock.instant());
            int updated = jdbc.update("update delivery_log set recipient = ?, subject = ?, status = ?, reason = ?, updated_at = ? "
                            + "where idempotency_key = ?",
                    entry.recipient(), entry.subject(), entry.status().name(), bounded(entry.reason()), now, entry.idempotencyKey());
            if (updated == 0) {
                jdbc.update("insert into delivery_log (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        entry.idempotencyKey(), entry.messageId(), entry.customerId(), entry.channel(), entry.template(),
                        entry.category(), entry.recipient(), entry.subject(), entry.status().name(), bounded(entry.reason()),
                        entry.providerMessageId(), now, now);
            }
        });
    }

    void mark(String idempotencyKey, Status status, String reason, String providerMessageId) {
        ownTransaction.executeWithoutResult(tx -> jdbc.update(
                "update delivery_log set status = ?, reason = ?, provider_message_id = ?, updated_at = ? where idempotency_key = ?",
                status.name(), bounded(reason), providerMessageId, Timestamp.from(clock.instant()), idempotencyKey));
    }

    /** The newest messages to a customer, newest first. */
    public List<Entry> forCustomer(String customerId) {
        return jdbc.query("select " + COLUMNS + " from delivery_log where customer_id = ? order by created_at desc",
                DeliveryLog::entry, customerId);
    }

    private static String bounded(String reason) {
        return reason == null || reason.length() <= 4000 ? reason : reason.substring(0, 3997) + "...";
    }

    private static Entry entry(ResultSet row, int n) throws SQLException {
        return new Entry(row.getString("idempotency_key"), row.getString("message_id"), row.getString("customer_id"),
                row.getString("channel"), row.getString("template"), row.getString("category"), row.getString("recipient"),
                row.getString("subject"), Status.valueOf(row.getString("status")), row.getString("reason"),
                row.getString("provider_message_id"), row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }
}
