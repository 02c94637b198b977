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

    /** A message of a journey run with what became of it: as rendered when sent (if kept), first open and first click. */
    public record RunMessage(DeliveryLog.Entry entry, RenderedMessage content, Instant openedAt, Instant clickedAt) {
    }

    /**
     * Messages created in a period (a day of a range, or the whole range: {@code day} -1) by channel, template and
     * status, with how many of them were opened and clicked.
     */
    public record Figures(int day, String channel, String template, String status, long messages, long opened, long clicked) {
    }

    private final JdbcTemplate jdbc;
    private final DeliveryLog log;

    DeliveryReports(JdbcTemplate jdbc, DeliveryLog log) {
        this.jdbc = jdbc;
        this.log = log;
    }

    /** The messages of one journey run (their idempotency key starts with its process instance id), oldest first. */
    public List<RunMessage> ofJourneyRun(String processInstanceId) {
        return jdbc.query("select " + DeliveryLog.COLUMNS + ", opened_at, clicked_at from delivery_log where idempotency_key like ? escape '!'"
                        + " order by created_at, idempotency_key",
                (row, n) -> new RunMessage(DeliveryLog.entry(row, n), null, instant(row.getTimestamp("opened_at")), instant(row.getTimestamp("clicked_at"))),
                processInstanceId.replace("!", "!!").replace("%", "!%").replace("_", "!_") + ":%").stream()
                .map(m -> new RunMessage(m.entry(), log.content(m.entry().idempotencyKey()).orElse(null), m.openedAt(), m.clickedAt()))
                .toList();
    }

    /**
     * Messages created per day of a range ({@code day} = the index of the day in {@code days}) by status, all
     * channels and templates together, filtered by channel, template and journey where given (blank means any).
     */
    public List<Figures> perDay(io.touchpoint.system.DayBuckets days, String channel, String template, String journeyKey) {
        List<Object> args = new ArrayList<>(days.arguments());
        StringBuilder sql = new StringBuilder("select days.day_index, d.status, count(*), count(d.opened_at), count(d.clicked_at) from ")
                .append(days.table()).append(" join delivery_log d on d.created_at >= days.day_start and d.created_at < days.day_end");
        filtered(sql, args, channel, template, journeyKey);
        sql.append(" group by days.day_index, d.status");
        return jdbc.query(sql.toString(), (row, n) -> new Figures(row.getInt(1), null, null, row.getString(2), row.getLong(3), row.getLong(4),
                row.getLong(5)), args.toArray());
    }

    /** Messages created in {@code [from, to)} by channel, template and status, filtered as {@link #perDay}. */
    public List<Figures> perTemplate(Instant from, Instant to, String channel, String template, String journeyKey) {
        List<Object> args = new ArrayList<>(List.of(Timestamp.from(from), Timestamp.from(to)));
        StringBuilder sql = new StringBuilder("select d.channel, d.template, d.status, count(*), count(d.opened_at), count(d.clicked_at)"
                + " from delivery_log d where d.created_at >= ? and d.created_at < ?");
        filtered(sql, args, channel, template, journeyKey);
        sql.append(" group by d.channel, d.template, d.status order by d.channel, d.template");
        return jdbc.query(sql.toString(), (row, n) -> new Figures(-1, row.getString(1), row.getString(2), row.getString(3), row.getLong(4),
                row.getLong(5), row.getLong(6)), args.toArray());
    }

    private static void filtered(StringBuilder sql, List<Object> args, String channel, String template, String journeyKey) {
        filter(sql, args, "d.channel", channel);
        filter(sql, args, "d.template", template);
        if (journeyKey != null && !journeyKey.isBlank()) {
            // a message's idempotency key starts with its journey instance id, which Camunda's history ties to the journey
            sql.append(" and exists (select 1 from ACT_HI_PROCINST p where p.PROC_DEF_KEY_ = ? and d.idempotency_key like p.PROC_INST_ID_ || ':%')");
            args.add(journeyKey.strip());
        }
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

    /** When a customer opened or clicked the messages sent since a moment (an open and a click of one message: both). */
    public List<Instant> engagedAt(String customerId, Instant since) {
        List<Instant> moments = new java.util.ArrayList<>();
        jdbc.query("select opened_at, clicked_at from delivery_log where customer_id = ? and created_at >= ?"
                + " and (opened_at is not null or clicked_at is not null)", row -> {
            addIfSet(moments, row.getTimestamp(1));
            addIfSet(moments, row.getTimestamp(2));
        }, customerId, Timestamp.from(since));
        return moments;
    }

    /** The newest opens and clicks of every customer (at most {@code limit} messages), as customer id and moment. */
    public List<Sent> engagements(Instant since, int limit) {
        List<Sent> moments = new java.util.ArrayList<>();
        jdbc.query("select customer_id, opened_at, clicked_at from delivery_log where created_at >= ?"
                + " and (opened_at is not null or clicked_at is not null) order by created_at desc limit ?", row -> {
            for (int column = 2; column <= 3; column++) {
                if (row.getTimestamp(column) != null) {
                    moments.add(new Sent(row.getString(1), null, null, row.getTimestamp(column).toInstant()));
                }
            }
        }, Timestamp.from(since), limit);
        return moments;
    }

    private static void addIfSet(List<Instant> moments, Timestamp at) {
        if (at != null) {
            moments.add(at.toInstant());
        }
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
