package io.touchpoint.profiles;

import static io.touchpoint.profiles.ProfilesIT.newCustomer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionService;
import io.touchpoint.decisions.LearningSettings;

/**
 * Erase leaves nothing that names the customer: every table of ours is either erased ({@link CustomerRows#NAMING_CUSTOMERS})
 * or listed here as naming no customer, so a table added by a migration fails this test until it is placed; and after
 * an erasure no row of any table, Camunda's included (variable byte arrays too), holds the customer's id, email or phone.
 */
class ErasureCoverageIT extends EngineIT {

    /**
     * Our tables that name no customer. A new table goes here only if none of its columns can hold a customer id,
     * email, phone or anything else about a person; otherwise into {@link CustomerRows#NAMING_CUSTOMERS}.
     */
    static final Set<String> NAME_NO_CUSTOMER = Set.of(
            "channel_secret",    // the link-signing secret
            "event_source_key",  // hashed API keys of sending systems
            "stored_file",       // rule files and message templates saved over the API
            "stored_file_area",  // their version per area
            "offer_arm",         // conversions and failures per offer of a learning decision, no customer
            "segment_size",      // members per segment and day, a count
            "console_run_action", // an operator's cancel or move of a run: run id, steps, reason, operator
            "scheduled_occurrence", // a scheduled journey's occurrence: journey, local date-time, segment, counts
            "console_retry_job"); // the jobs of an operator's retry: job, incident and run ids, the earlier failure
    /** Column names that say a table holds something about a person, whatever list it is on. */
    private static final List<String> PERSONAL_COLUMN_HINTS = List.of("customer", "email", "phone", "recipient", "person", "user");

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RuntimeService runtime;
    @Autowired
    DecisionService decisions;

    @Test
    void everyTableOfOursIsErasedOrNamesNoCustomer() {
        Map<String, Set<String>> tables = ourTables();
        assertThat(tables).as("our tables (Flyway ran)").containsKeys("customer_profile", "customer_event");

        List<String> unplaced = new ArrayList<>();
        tables.forEach((table, columns) -> {
            if (CustomerRows.NAMING_CUSTOMERS.containsKey(table)) {
                assertThat(columns).as("the customer columns erase uses in " + table).containsAll(CustomerRows.NAMING_CUSTOMERS.get(table));
            } else if (NAME_NO_CUSTOMER.contains(table)) {
                assertThat(columns).as(table + " is listed as naming no customer, but a column says otherwise")
                        .noneMatch(column -> PERSONAL_COLUMN_HINTS.stream().anyMatch(column::contains));
            } else {
                unplaced.add(table);
            }
        });
        assertThat(unplaced).as("tables that neither CustomerRows.NAMING_CUSTOMERS erases nor NAME_NO_CUSTOMER lists").isEmpty();
        assertThat(tables.keySet()).as("every table the erase names exists").containsAll(CustomerRows.NAMING_CUSTOMERS.keySet());
    }

    @Test
    void afterAnErasureNoRowOfAnyTableHoldsTheCustomersIdEmailOrPhone() throws Exception {
        String customer = newCustomer();
        String mergedAway = newCustomer();
        String email = "erase-" + UUID.randomUUID() + "@example.com";
        String phone = "+4915" + String.valueOf(Math.abs(UUID.randomUUID().getMostSignificantBits())).substring(0, 9);
        Set<String> needles = Set.of(customer, mergedAway, email, phone);

        accepted(post("/api/events", cartAbandoned(customer, email, phone)));
        runAllJobs(runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId());
        await().atMost(Duration.ofSeconds(30)).until(() -> SMTP.getReceivedMessages().length == 1);
        accepted(post("/api/events", cartAbandoned(customer, email, phone)));
        accepted(post("/api/events", """
                {"type": "order_placed", "customerId": "%s", "properties": {"orderId": "o-1", "total": 129.0}}""".formatted(customer)));
        accepted(post("/api/events", """
                {"type": "signed_up", "customerId": "%s", "identities": {"anonymousId": "anon-%s"}}""".formatted(mergedAway, mergedAway)));
        accepted(post("/api/events", """
                {"type": "alias", "customerId": "%s", "properties": {"previousId": "%s"}}""".formatted(customer, mergedAway)));
        recordJourneyRowsIfNoneYet(customer);
        // a learning decision that holds the customer out: an offer_exposure row (the baseline of the uplift)
        decisions.decide(DecisionRequest.of("next-best-offer", customer).learning(LearningSettings.of(Map.of("mode", "learning",
                "holdout", "100", "explorationFloor", "0"))));
        for (Map.Entry<String, List<String>> table : CustomerRows.NAMING_CUSTOMERS.entrySet()) {
            String where = String.join(" = ? or ", table.getValue()) + " = ?";
            assertThat(jdbc.queryForObject("select count(*) from " + table.getKey() + " where " + where, Integer.class,
                    table.getValue().stream().map(column -> customer).toArray())).as("rows of the customer in " + table.getKey() + " before erasing").isPositive();
        }
        assertThat(rowsHolding(needles)).as("the customer is in Camunda's tables before erasing").anyMatch(row -> row.startsWith("act_"));

        assertThat(send(request("/api/customers/" + mergedAway).header("Authorization", basic(USER, PASSWORD)).DELETE().build()).statusCode())
                .isEqualTo(200);

        List<String> left = rowsHolding(needles);
        assertThat(left).as("rows that still name the erased customer; byte arrays among them: %s", byteArraysHolding(customer)).isEmpty();
    }

    private static String cartAbandoned(String customer, String email, String phone) {
        return """
                {"type": "cart_abandoned", "customerId": "%s", "identities": {"email": "%s", "phone": "%s"},
                 "properties": {"cartId": "k-1", "items": [{"sku": "D-1", "name": "Linen dress", "quantity": 1, "price": 129.0}], "total": 129.0}}
                """.formatted(customer, email, phone);
    }

    private static void accepted(java.net.http.HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** The shipped journeys have no goal or split on this path: their rows are written as the blocks would write them. */
    private void recordJourneyRowsIfNoneYet(String customer) {
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.queryForObject("select count(*) from journey_goal where customer_id = ?", Integer.class, customer) == 0) {
            jdbc.update("insert into journey_goal (process_instance_id, customer_id, journey_key, goal_activity_id, event_type, event_id, reached_at) "
                    + "values (?, ?, 'abandonedCart', 'Goal_Ordered', 'order_placed', ?, ?)", UUID.randomUUID().toString(), customer, "ev-" + customer, now);
        }
        if (jdbc.queryForObject("select count(*) from journey_split where customer_id = ?", Integer.class, customer) == 0) {
            jdbc.update("insert into journey_split (customer_id, journey_key, split_id, variant, assigned_at) values (?, 'abandonedCart', 'Split_Offer', 'A', ?)",
                    customer, now);
        }
        if (jdbc.queryForObject("select count(*) from segment_backfill where after_customer_id = ?", Integer.class, customer) == 0) {
            // a segment backfill that stopped right after this customer (a version of its own, so no real one is touched)
            jdbc.update("insert into segment_backfill (version, after_customer_id, processed, total, started_at) values (?, ?, 1, 2, ?)",
                    -Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L) - 1, customer, now);
        }
        if (jdbc.queryForObject("select count(*) from segment_member where customer_id = ?", Integer.class, customer) == 0) {
            jdbc.update("insert into segment_member (segment_id, customer_id, joined_at) values ('it-erased', ?, ?)", customer, now);
        }
        // a scheduled journey's entry not made yet
        jdbc.update("insert into scheduled_entry (journey_key, occurrence, customer_id, due_at) values ('itErased', '2026-12-24T10:00', ?, ?)",
                customer, now);
    }

    /** Our tables (not Camunda's, not Flyway's) → their columns, in lower case. */
    private Map<String, Set<String>> ourTables() {
        Map<String, Set<String>> tables = new TreeMap<>();
        jdbc.query("select table_name, column_name from information_schema.columns where table_schema = current_schema()", row -> {
            String table = row.getString(1).toLowerCase();
            if (!table.startsWith("act_") && !table.equals("flyway_schema_history")) {
                tables.computeIfAbsent(table, t -> new TreeSet<>()).add(row.getString(2).toLowerCase());
            }
        });
        return tables;
    }

    /** Where the byte arrays that name a customer come from, to say why one was left. */
    private List<Map<String, Object>> byteArraysHolding(String customer) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> row : jdbc.queryForList("select ID_, NAME_, TYPE_, DEPLOYMENT_ID_, ROOT_PROC_INST_ID_, BYTES_ from ACT_GE_BYTEARRAY")) {
            if (new String((byte[]) row.get("BYTES_"), StandardCharsets.ISO_8859_1).contains(customer)) {
                row.remove("BYTES_");
                row.put("variables", jdbc.queryForList("select NAME_, PROC_INST_ID_, EXECUTION_ID_ from ACT_RU_VARIABLE where BYTEARRAY_ID_ = ?", row.get("ID_")));
                found.add(row);
            }
        }
        return found;
    }

    /** "table: column" of every value in every table of the schema (byte arrays and large objects read as text) holding a needle. */
    private List<String> rowsHolding(Set<String> needles) {
        List<String> found = new ArrayList<>();
        List<String> tables = jdbc.queryForList("select table_name from information_schema.tables where table_schema = current_schema()", String.class);
        for (String table : tables) {
            jdbc.query("select * from \"" + table + "\"", row -> {
                for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
                    String text = text(row.getObject(column));
                    if (text != null && needles.stream().anyMatch(text::contains)) {
                        found.add(table.toLowerCase() + ": " + row.getMetaData().getColumnName(column).toLowerCase()
                                + " = " + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
                    }
                }
            });
        }
        return found;
    }

    private static String text(Object value) throws SQLException {
        try {
            if (value instanceof byte[] bytes) {
                return new String(bytes, StandardCharsets.ISO_8859_1);
            }
            if (value instanceof Blob blob) {
                try (InputStream in = blob.getBinaryStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
            }
            if (value instanceof Clob clob) {
                try (Reader in = clob.getCharacterStream()) {
                    StringBuilder text = new StringBuilder();
                    char[] chunk = new char[8192];
                    for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                        text.append(chunk, 0, read);
                    }
                    return text.toString();
                }
            }
        } catch (IOException e) {
            throw new SQLException(e);
        }
        return value == null ? null : value.toString();
    }
}
