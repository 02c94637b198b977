package io.touchpoint.console;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.springframework.stereotype.Service;

import io.touchpoint.channels.DeliveryReports;
import io.touchpoint.journeys.JourneyRecords;
import io.touchpoint.system.DayBuckets;

/**
 * Figures per day over a range of days in a time zone: a journey's entries, conversions (goals reached) and exits
 * (runs ended without a goal), and messages (sent, delivered, failed, suppressed, opened, clicked, with rates),
 * each counted by the database with one {@code group by} per figure.
 */
@Service
public class OverTime {

    static final int DEFAULT_DAYS = 30;

    /** Message figures of a day, a template or a whole range; rates are 0 when their divisor is 0. */
    public static class MessageFigures {
        /** Handed to a provider: SENT, FAILED or UNKNOWN. */
        public long sent;
        /** Accepted by the provider (SENT); there are no provider delivery receipts. */
        public long delivered;
        public long failed;
        public long suppressed;
        /** Of these messages, how many were opened / clicked (ever). */
        public long opened;
        public long clicked;
        public double deliveryRate;
        public double openRate;
        public double clickRate;

        void add(DeliveryReports.Figures figures) {
            switch (figures.status()) {
                case "SENT" -> {
                    sent += figures.messages();
                    delivered += figures.messages();
                }
                case "FAILED" -> {
                    sent += figures.messages();
                    failed += figures.messages();
                }
                case "UNKNOWN" -> sent += figures.messages();
                case "SUPPRESSED" -> suppressed += figures.messages();
                default -> { } // QUEUED: being handed over now
            }
            opened += figures.opened();
            clicked += figures.clicked();
        }

        void add(MessageFigures other) {
            sent += other.sent;
            delivered += other.delivered;
            failed += other.failed;
            suppressed += other.suppressed;
            opened += other.opened;
            clicked += other.clicked;
        }

        MessageFigures rated() {
            deliveryRate = rate(delivered, sent);
            openRate = rate(opened, delivered);
            clickRate = rate(clicked, delivered);
            return this;
        }
    }

    /** A journey's figures of one day (or the totals of the range: {@code day} null). */
    @JsonPropertyOrder({"day", "entries", "conversions", "exits"})
    public static final class JourneyDay extends MessageFigures {
        public LocalDate day;
        public long entries;
        public long conversions;
        public long exits;
    }

    /** Message figures of one day. */
    @JsonPropertyOrder({"day"})
    public static final class MessageDay extends MessageFigures {
        public LocalDate day;
    }

    /** Message figures of one template of a channel over the range. */
    @JsonPropertyOrder({"channel", "template"})
    public static final class TemplateFigures extends MessageFigures {
        public String channel;
        public String template;
    }

    /** A journey over a range. */
    public record JourneyReport(String journey, LocalDate from, LocalDate to, String zone, JourneyDay totals, List<JourneyDay> days) {
    }

    /** Messages over a range, by day and by template. */
    public record MessagesReport(LocalDate from, LocalDate to, String zone, String channel, String template, String journey,
                                 MessageFigures totals, List<MessageDay> days, List<TemplateFigures> byTemplate) {
    }

    private final JourneyRecords records;
    private final DeliveryReports deliveries;
    private final ConsoleClock clock;

    OverTime(JourneyRecords records, DeliveryReports deliveries, ConsoleClock clock) {
        this.records = records;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    /** The range asked for: {@code from}..{@code to} (yyyy-MM-dd, both included) in {@code zone}; 400 naming the bad one. */
    DayBuckets range(String from, String to, String zone) {
        ZoneId zoneId;
        try {
            zoneId = zone == null || zone.isBlank() ? java.time.ZoneOffset.UTC : ZoneId.of(zone.strip());
        } catch (DateTimeException e) {
            throw new BadParameterException("zone", "'zone' is not a time zone: '" + zone + "' (use an IANA id such as Europe/Berlin, or UTC)");
        }
        LocalDate last = day("to", to, LocalDate.ofInstant(clock.now(), zoneId));
        LocalDate first = day("from", from, last.minusDays(DEFAULT_DAYS - 1));
        if (last.isBefore(first)) {
            throw new BadParameterException("from", "'from' (" + first + ") must be on or before 'to' (" + last + ")");
        }
        if (first.plusDays(DayBuckets.MAX_DAYS).isBefore(last.plusDays(1))) {
            throw new BadParameterException("to", "the range from " + first + " to " + last + " is longer than " + DayBuckets.MAX_DAYS + " days");
        }
        return new DayBuckets(zoneId, first, last);
    }

    public JourneyReport journey(String journeyKey, DayBuckets range) {
        long[][] flow = records.perDay(journeyKey, range);
        List<LocalDate> dates = range.days();
        List<JourneyDay> days = new ArrayList<>();
        for (int i = 0; i < dates.size(); i++) {
            JourneyDay day = new JourneyDay();
            day.day = dates.get(i);
            day.entries = flow[0][i];
            day.conversions = flow[1][i];
            day.exits = flow[2][i];
            days.add(day);
        }
        deliveries.perDay(range, null, null, journeyKey).forEach(figures -> days.get(figures.day()).add(figures));
        JourneyDay totals = new JourneyDay();
        for (JourneyDay day : days) {
            day.rated();
            totals.entries += day.entries;
            totals.conversions += day.conversions;
            totals.exits += day.exits;
            totals.add(day);
        }
        totals.rated();
        return new JourneyReport(journeyKey, range.from(), range.to(), range.zone().getId(), totals, days);
    }

    public MessagesReport messages(DayBuckets range, String channel, String template, String journeyKey) {
        List<MessageDay> days = new ArrayList<>();
        for (LocalDate date : range.days()) {
            MessageDay day = new MessageDay();
            day.day = date;
            days.add(day);
        }
        deliveries.perDay(range, channel, template, journeyKey).forEach(figures -> days.get(figures.day()).add(figures));
        MessageFigures totals = new MessageFigures();
        days.forEach(day -> totals.add(day.rated()));
        Map<String, TemplateFigures> byTemplate = new LinkedHashMap<>();
        for (DeliveryReports.Figures figures : deliveries.perTemplate(range.start(), range.end(), channel, template, journeyKey)) {
            TemplateFigures one = byTemplate.computeIfAbsent(figures.channel() + "\u0000" + figures.template(), k -> new TemplateFigures());
            one.channel = figures.channel();
            one.template = figures.template();
            one.add(figures);
        }
        byTemplate.values().forEach(MessageFigures::rated);
        return new MessagesReport(range.from(), range.to(), range.zone().getId(), blankAsNull(channel), blankAsNull(template),
                blankAsNull(journeyKey), totals.rated(), days, List.copyOf(byTemplate.values()));
    }

    private static LocalDate day(String field, String text, LocalDate fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new BadParameterException(field, "'" + field + "' is not a date: '" + text + "' (use yyyy-MM-dd)");
        }
    }

    private static String blankAsNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static double rate(long part, long whole) {
        return whole == 0 ? 0 : Math.round(1000.0 * part / whole) / 1000.0;
    }
}
