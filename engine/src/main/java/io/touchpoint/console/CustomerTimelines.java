package io.touchpoint.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.channels.DeliveryLog;
import io.touchpoint.decisions.DecisionLog;
import io.touchpoint.events.EventHistory;

/** The timeline sources of data that exists today: events, journey steps, decisions (the decision log), messages. */
@Configuration
class CustomerTimelines {

    @Bean
    TimelineSource eventsTimeline(EventHistory events, ObjectMapper json) {
        return (customerId, limit) -> events.ofCustomer(customerId).stream().limit(limit)
                .map(event -> new TimelineEntry(event.occurredAt(), "event", event.type(), properties(json, event.payload())))
                .toList();
    }

    /** The event's properties as compact JSON: what the timeline shows of an event. */
    private static String properties(ObjectMapper json, String payload) {
        try {
            return json.readTree(payload).path("properties").toString();
        } catch (JsonProcessingException e) {
            return payload;
        }
    }

    @Bean
    TimelineSource journeyStepsTimeline(JdbcTemplate jdbc) {
        return (customerId, limit) -> jdbc.query(
                "select p.PROC_DEF_KEY_, a.ACT_ID_, a.ACT_NAME_, a.ACT_TYPE_, a.START_TIME_, a.END_TIME_ from ACT_HI_ACTINST a"
                        + " join ACT_HI_PROCINST p on p.PROC_INST_ID_ = a.PROC_INST_ID_"
                        + " where p.BUSINESS_KEY_ = ? and a.ACT_TYPE_ not like '%Gateway' order by a.START_TIME_ desc",
                (row, n) -> new TimelineEntry(ConsoleClock.instant(row.getTimestamp(5)), "journey",
                        row.getString(1) + ": " + (row.getString(3) == null ? row.getString(2) : row.getString(3)),
                        row.getString(4) + (row.getTimestamp(6) == null ? " · waiting here now" : " · passed")),
                customerId).stream().limit(limit).toList();
    }

    /** Every decision of the decision log, of running and finished journeys alike, with its offer, send-at, reasons and rules. */
    @Bean
    TimelineSource decisionsTimeline(DecisionLog decisions) {
        return (customerId, limit) -> decisions.forCustomer(customerId, limit).stream()
                .map(entry -> DecisionView.of(entry).timelineEntry()).toList();
    }

    @Bean
    TimelineSource messagesTimeline(DeliveryLog deliveries) {
        return (customerId, limit) -> deliveries.forCustomer(customerId).stream().limit(limit)
                .map(message -> new TimelineEntry(message.createdAt(), "message",
                        message.channel() + " " + message.template() + " " + message.status(),
                        "to " + message.recipient() + (message.reason() == null ? "" : " · " + message.reason())))
                .toList();
    }
}
