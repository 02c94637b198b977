package io.touchpoint.decisions;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Every decision, stored with the rules that fired and a summary of its inputs (table {@code decision_log}). */
@Component
public class DecisionLog {

    /** One recorded decision, as {@code GET /api/customers/{id}/decisions} shows it. */
    public record Entry(long id, String customerId, String decisionName, String journey, String journeyInstance, String step,
                        Decision.Outcome outcome, boolean eligible, String offerCode, String channel, Instant sendAt,
                        List<String> reasons, List<String> firedRules, Map<String, Object> inputs, Instant decidedAt) {
    }

    private static final TypeReference<List<String>> NAMES = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    DecisionLog(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Records in the caller's transaction: a journey step that rolls back leaves no decision behind. */
    void record(DecisionRequest request, Decision decision, Map<String, Object> inputs) {
        JourneyContext journey = request.getJourney();
        jdbc.update("insert into decision_log (customer_id, decision_name, journey, journey_instance, step, outcome, eligible, "
                        + "offer_code, channel, send_at, reasons, fired_rules, inputs, decided_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                request.getCustomerId(), request.getDecisionName(), journey.getJourney(), journey.getInstanceId(), journey.getStep(),
                decision.getOutcome().name(), decision.isEligible(), decision.getOfferCode(), decision.getChannel(),
                decision.getSendAt() == null ? null : Timestamp.from(decision.getSendAt()),
                write(decision.getReasons()), write(decision.getFiredRules()), write(inputs), Timestamp.from(decision.getNow()));
    }

    /** The customer's decisions, newest first. */
    public List<Entry> forCustomer(String customerId, int limit) {
        return forCustomer(customerId, limit, 0);
    }

    /** A page of the customer's decisions, newest first. */
    public List<Entry> forCustomer(String customerId, int limit, int offset) {
        return jdbc.query("select * from decision_log where customer_id = ? order by decided_at desc, id desc limit ? offset ?",
                this::entry, customerId, limit, offset);
    }

    /** How many decisions the customer has. */
    public long countForCustomer(String customerId) {
        Long count = jdbc.queryForObject("select count(*) from decision_log where customer_id = ?", Long.class, customerId);
        return count == null ? 0 : count;
    }

    /** The decisions taken in one journey run, in the order they were taken. */
    public List<Entry> forJourneyRun(String journeyInstanceId) {
        return jdbc.query("select * from decision_log where journey_instance = ? order by decided_at, id", this::entry, journeyInstanceId);
    }

    private Entry entry(java.sql.ResultSet row, int n) throws java.sql.SQLException {
        return new Entry(
                row.getLong("id"), row.getString("customer_id"), row.getString("decision_name"), row.getString("journey"),
                row.getString("journey_instance"), row.getString("step"), Decision.Outcome.valueOf(row.getString("outcome")),
                row.getBoolean("eligible"), row.getString("offer_code"), row.getString("channel"),
                row.getTimestamp("send_at") == null ? null : row.getTimestamp("send_at").toInstant(),
                read(row.getString("reasons"), NAMES), read(row.getString("fired_rules"), NAMES), read(row.getString("inputs"), OBJECT),
                row.getTimestamp("decided_at").toInstant());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write decision log JSON", e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read decision log JSON", e);
        }
    }
}
