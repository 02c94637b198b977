package io.touchpoint.channels;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.system.DurableTransactionManager;

/**
 * Every message, keyed by its idempotency key (journey instance + step). A message is claimed (QUEUED) in a commit
 * of its own before it is handed to the provider, and its outcome is committed on its own after: a retried step
 * sees what was sent, or that it may have been, and never sends twice. These commits go through a small connection
 * pool of their own, so a sending job that holds a connection of the main pool never waits for a second one there.
 * In capture mode ({@code touchpoint.channels.capture}: a journey sandbox, where nothing leaves the process) they go
 * in the caller's transaction instead: a replay that takes a transaction back takes its captured messages back too.
 */
@Component
public class DeliveryLog implements DisposableBean {

    /**
     * Where a message is in its life. SENT and SUPPRESSED are final; a FAILED message (the provider refused it, or
     * it was never handed over) may be tried again; QUEUED is claimed and being handed to the provider; UNKNOWN was
     * claimed by a try that never recorded its outcome (the engine stopped, the database failed): it may have been
     * sent, so it is not sent again until an operator says what became of it.
     */
    public enum Status {
        QUEUED, SENT, FAILED, SUPPRESSED, UNKNOWN;

        public boolean isFinal() {
            return this == SENT || this == SUPPRESSED;
        }

        /** Claimed by a try whose outcome is not recorded: sending again could send twice. */
        public boolean mayHaveBeenSent() {
            return this == QUEUED || this == UNKNOWN;
        }
    }

    /** One row of the log. */
    public record Entry(String idempotencyKey, String messageId, String customerId, String channel, String template,
                        String category, String recipient, String subject, Status status, String reason,
                        String providerMessageId, Instant createdAt, Instant updatedAt) {
    }

    static final String COLUMNS = "idempotency_key, message_id, customer_id, channel, template, category, recipient, "
            + "subject, status, reason, provider_message_id, created_at, updated_at";

    private final JdbcTemplate jdbc;
    private final HikariDataSource ownPool;
    private final JdbcTemplate ownJdbc;
    private final TransactionTemplate ownTransaction;
    private final Clock clock;
    private final ObjectMapper json;

    DeliveryLog(JdbcTemplate jdbc, DataSourceProperties database, Clock clock, ObjectMapper json, PlatformTransactionManager transactions,
                @Value("${touchpoint.channels.delivery-log-connections:4}") int connections,
                @Value("${touchpoint.channels.capture:false}") boolean capture) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        if (capture) {
            this.ownPool = null;
            this.ownJdbc = jdbc;
            this.ownTransaction = new TransactionTemplate(transactions);
            return;
        }
        this.ownPool = database.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        this.ownPool.setPoolName("delivery-log");
        this.ownPool.setMaximumPoolSize(connections);
        this.ownPool.setMinimumIdle(1);
        this.ownJdbc = new JdbcTemplate(ownPool);
        this.ownTransaction = new TransactionTemplate(new DurableTransactionManager(ownPool));
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

    /**
     * Records a message with its status (QUEUED claims it) and commits: when the key is new, or its earlier try
     * FAILED. False, having changed nothing, when another try has it (claimed, unknown, sent or suppressed).
     */
    boolean record(Entry entry) {
        return record(entry, null);
    }

    /** The same, keeping the message as rendered (stored as JSON of its parts) for the console's drill-down. */
    boolean record(Entry entry, RenderedMessage rendered) {
        String content = rendered == null ? null : write(rendered);
        return Boolean.TRUE.equals(ownTransaction.execute(tx -> {
            Timestamp now = Timestamp.from(clock.instant());
            int updated = ownJdbc.update("update delivery_log set recipient = ?, subject = ?, status = ?, reason = ?, updated_at = ?, content = ? "
                            + "where idempotency_key = ? and status = 'FAILED'",
                    entry.recipient(), entry.subject(), entry.status().name(), bounded(entry.reason()), now, content, entry.idempotencyKey());
            if (updated == 1) {
                return true;
            }
            try {
                ownJdbc.update("insert into delivery_log (" + COLUMNS + ", content) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        entry.idempotencyKey(), entry.messageId(), entry.customerId(), entry.channel(), entry.template(),
                        entry.category(), entry.recipient(), entry.subject(), entry.status().name(), bounded(entry.reason()),
                        entry.providerMessageId(), now, now, content);
                return true;
            } catch (DuplicateKeyException taken) {
                return false;
            }
        }));
    }

    /** Records the outcome of a claimed message (QUEUED, or UNKNOWN to a retry that came meanwhile) and commits. */
    void mark(String idempotencyKey, Status status, String reason, String providerMessageId) {
        ownTransaction.executeWithoutResult(tx -> ownJdbc.update(
                "update delivery_log set status = ?, reason = ?, provider_message_id = ?, updated_at = ? "
                        + "where idempotency_key = ? and status in ('QUEUED', 'UNKNOWN')",
                status.name(), bounded(reason), providerMessageId, Timestamp.from(clock.instant()), idempotencyKey));
    }

    /** Marks a message claimed by a try that never recorded its outcome as UNKNOWN, and commits. */
    void markUnknown(String idempotencyKey, String reason) {
        ownTransaction.executeWithoutResult(tx -> ownJdbc.update(
                "update delivery_log set status = 'UNKNOWN', reason = ?, updated_at = ? where idempotency_key = ? and status = 'QUEUED'",
                bounded(reason), Timestamp.from(clock.instant()), idempotencyKey));
    }

    /**
     * An operator's word on a message whose outcome is UNKNOWN, having asked the provider: SENT (the step goes on
     * without sending) or FAILED (the step's retry sends it). False when the message is not UNKNOWN.
     */
    public boolean resolve(String idempotencyKey, Status outcome, String reason) {
        if (outcome != Status.SENT && outcome != Status.FAILED) {
            throw new IllegalArgumentException("an unknown outcome resolves to SENT or FAILED, not " + outcome);
        }
        return Boolean.TRUE.equals(ownTransaction.execute(tx -> ownJdbc.update(
                "update delivery_log set status = ?, reason = ?, updated_at = ? where idempotency_key = ? and status = 'UNKNOWN'",
                outcome.name(), bounded(reason), Timestamp.from(clock.instant()), idempotencyKey) == 1));
    }

    @Override
    public void destroy() {
        if (ownPool != null) {
            ownPool.close();
        }
    }

    /** The newest messages to a customer, newest first. */
    public List<Entry> forCustomer(String customerId) {
        return jdbc.query("select " + COLUMNS + " from delivery_log where customer_id = ? order by created_at desc",
                DeliveryLog::entry, customerId);
    }

    /** Records the first open of a message (a later one changes nothing). */
    void markOpened(String messageId, Instant at) {
        jdbc.update("update delivery_log set opened_at = ? where message_id = ? and opened_at is null", Timestamp.from(at), messageId);
    }

    /** Records the first click of a link in a message (a later one changes nothing). */
    void markClicked(String messageId, Instant at) {
        jdbc.update("update delivery_log set clicked_at = ? where message_id = ? and clicked_at is null", Timestamp.from(at), messageId);
    }

    /** The message as it was rendered when it was handed to the provider, if it was kept. */
    public Optional<RenderedMessage> content(String idempotencyKey) {
        return jdbc.queryForList("select content from delivery_log where idempotency_key = ?", String.class, idempotencyKey).stream()
                .filter(java.util.Objects::nonNull).findFirst().map(this::read);
    }

    private String write(RenderedMessage rendered) {
        try {
            return json.writeValueAsString(rendered);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a rendered message as JSON", e);
        }
    }

    private RenderedMessage read(String content) {
        try {
            return json.readValue(content, RenderedMessage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a kept message is not JSON", e);
        }
    }

    private static String bounded(String reason) {
        return reason == null || reason.length() <= 4000 ? reason : reason.substring(0, 3997) + "...";
    }

    static Entry entry(ResultSet row, int n) throws SQLException {
        return new Entry(row.getString("idempotency_key"), row.getString("message_id"), row.getString("customer_id"),
                row.getString("channel"), row.getString("template"), row.getString("category"), row.getString("recipient"),
                row.getString("subject"), Status.valueOf(row.getString("status")), row.getString("reason"),
                row.getString("provider_message_id"), row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant());
    }
}
