package io.touchpoint.profiles;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A customer's rows in Touchpoint's own tables (profile, identities, events, messages): moved to the survivor
 * of a merge, or deleted by an erasure. Runs in the caller's transaction.
 */
@Component
class CustomerRows {

    /** The tables whose rows follow a customer through a merge; the profile row itself is merged, not moved. */
    private static final List<String> HISTORIES = List.of("customer_identity", "customer_event", "delivery_log");
    private static final String PROFILE = "customer_profile";

    private final JdbcTemplate jdbc;

    CustomerRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Moves identities and histories of a merged-away customer to the survivor and deletes its profile row. */
    void moveToSurvivor(String mergedId, String survivorId) {
        for (String table : HISTORIES) {
            jdbc.update("update " + table + " set customer_id = ? where customer_id = ?", survivorId, mergedId);
        }
        jdbc.update("delete from " + PROFILE + " where customer_id = ?", mergedId);
    }

    /** Deletes every row of these customers; answers table → rows deleted. */
    Map<String, Integer> erase(List<String> customerIds) {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        for (String table : concat(PROFILE, HISTORIES)) {
            int rows = 0;
            for (String customerId : customerIds) {
                rows += jdbc.update("delete from " + table + " where customer_id = ?", customerId);
            }
            deleted.put(table, rows);
        }
        return deleted;
    }

    private static List<String> concat(String first, List<String> rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream()).toList();
    }
}
