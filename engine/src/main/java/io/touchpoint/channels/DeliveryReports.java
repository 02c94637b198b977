package io.touchpoint.channels;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.SentMessages;

/**
 * The reads of {@code delivery_log} that other features make: the customer view's recent messages, the frequency
 * caps' history, and the console's lists and counts. {@link DeliveryLog} writes the log; this reads it for others.
 */
@Component
public class DeliveryReports implements SentMessages {

    /** A message sent to a customer: its channel, category and when. */
    public record Sent(String customerId, String channel, String category, Instant at) {
    }

    /** How many messages of a channel ended in a status, and to how many customers. */
    public record StatusCount(String channel, String status, long messages, long customers) {
    }

    private final JdbcTemplate jdbc;

    DeliveryReports(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<SentMessage> recent(String customerId, int limit) {
        return jdbc.query("select channel, category, template, status, created_at from delivery_log where customer_id = ? order by created_at desc limit ?",
                (row, n) -> new SentMessage(row.getString("channel"), row.getString("category"), row.getString("template"),
                        row.getString("status"), row.getTimestamp("created_at").toInstant()), customerId, limit);
    }

    /** The messages SENT to a customer since a moment, any journey, any channel (customer id left out). */
    public List<Sent> sentTo(String customerId, Instant since) {
        return jdbc.query("select channel, category, created_at from delivery_log where customer_id = ? and status = 'SENT' and created_at >= ?",
                (row, n) -> new Sent(null, row.getString("channel"), row.getString("category"), row.getTimestamp("created_at").toInstant()),
                customerId, Timestamp.from(since));
    }

    /** Every message SENT in {@code [from, to)}, any customer (category left out). */
    public List<Sent> sentBetween(Instant from, Instant to) {
        return jdbc.query("select customer_id, channel, created_at from delivery_log where status = 'SENT' and created_at >= ? and created_at < ?",
                (row, n) -> new Sent(row.getString(1), row.getString(2), null, instant(row.getTimestamp(3))),
                Timestamp.from(from), Timestamp.from(to));
    }

    /** Messages created in {@code [from, to)} by channel and status, with the customers they went to. */
    public List<StatusCount> countsByChannelAndStatus(Instant from, Instant to) {
        return jdbc.query("select channel, status, count(*), count(distinct customer_id) from delivery_log where created_at >= ? and created_at < ?"
                        + " group by channel, status",
                (row, n) -> new StatusCount(row.getString(1), row.getString(2), row.getLong(3), row.getLong(4)),
                Timestamp.from(from), Timestamp.from(to));
    }

    /**
     * The messages of one journey's runs by channel and status (customers not counted). A message's idempotency key
     * starts with its journey instance id, which Camunda's history ({@code ACT_HI_PROCINST}) ties to the journey.
     */
    public List<StatusCount> countsByJourney(String journeyKey) {
        return jdbc.query("select d.channel, d.status, count(*) from delivery_log d join ACT_HI_PROCINST p"
                        + " on d.idempotency_key like p.PROC_INST_ID_ || ':%' where p.PROC_DEF_KEY_ = ? group by d.channel, d.status order by d.channel",
                (row, n) -> new StatusCount(row.getString(1), row.getString(2), row.getLong(3), 0), journeyKey);
    }

    /**
     * The log, newest first, created in {@code [from, to)} and filtered by channel, status, template and customer
     * where given (blank means any).
     */
    public List<DeliveryLog.Entry> messages(Instant from, Instant to, String channel, String status, String template, String customerId) {
        StringBuilder sql = new StringBuilder("select * from delivery_log where created_at >= ? and created_at < ?");
        List<Object> args = new ArrayList<>(List.of(Timestamp.from(from), Timestamp.from(to)));
        filter(sql, args, "channel", channel);
        filter(sql, args, "status", status);
        filter(sql, args, "template", template);
        filter(sql, args, "customer_id", customerId);
        sql.append(" order by created_at desc");
        return jdbc.query(sql.toString(), DeliveryLog::entry, args.toArray());
    }

    /** The channels, statuses and templates present in the log, each sorted. */
    public Map<String, List<String>> channelsStatusesAndTemplates() {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String column : List.of("channel", "status", "template")) {
            values.put(column, jdbc.queryForList("select distinct " + column + " from delivery_log order by " + column, String.class));
        }
        return values;
    }

    /** The messages whose last try FAILED or whose outcome is UNKNOWN, latest change first. */
    public List<DeliveryLog.Entry> undelivered() {
        return jdbc.query("select " + DeliveryLog.COLUMNS + " from delivery_log"
                + " where status in ('FAILED', 'UNKNOWN') order by updated_at desc", DeliveryLog::entry);
    }

    private static void filter(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" and ").append(column).append(" = ?");
            args.add(value.strip());
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
