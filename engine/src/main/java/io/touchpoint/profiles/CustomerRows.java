package io.touchpoint.profiles;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A customer's rows in Touchpoint's own tables: moved to the survivor of a merge, or deleted by an erasure.
 * {@link #NAMING_CUSTOMERS} is the one list of tables that name a customer; a table added by a migration either
 * goes on it or on the "names no customer" list of {@code ErasureCoverageIT}, which fails until it does.
 * Runs in the caller's transaction.
 */
@Component
class CustomerRows {

    /** Every table of ours that names a customer → the columns that hold a customer id; an erasure empties them all. */
    static final Map<String, List<String>> NAMING_CUSTOMERS = naming(
            "customer_profile", "customer_id",
            "customer_identity", "customer_id",
            "customer_event", "customer_id",
            "delivery_log", "customer_id",
            "decision_log", "customer_id",
            "offer_exposure", "customer_id",
            "journey_entry", "customer_id",
            "journey_goal", "customer_id",
            "journey_split", "customer_id",
            "journey_active", "customer_id",
            "segment_backfill", "after_customer_id",
            "segment_member", "customer_id",
            "scheduled_entry", "customer_id",
            "customer_merge", "merged_id,survivor_id");

    /** The tables whose rows follow a customer through a merge; the profile row itself is merged, not moved. */
    private static final List<String> HISTORIES = List.of("customer_identity", "customer_event", "delivery_log", "decision_log",
            "offer_exposure");
    private static final String PROFILE = "customer_profile";
    /** The tables whose rows hold for the merged-away profile only: deleted with it. */
    private static final List<String> FOLLOW_THE_PROFILE = List.of("segment_member", "scheduled_entry");

    private final JdbcTemplate jdbc;

    CustomerRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Moves identities and histories of a merged-away customer to the survivor and deletes its profile row; its segment
     * memberships and planned scheduled entries go with its profile (the survivor's own are evaluated anew).
     */
    void moveToSurvivor(String mergedId, String survivorId) {
        for (String table : HISTORIES) {
            jdbc.update("update " + table + " set customer_id = ? where customer_id = ?", survivorId, mergedId);
        }
        for (String table : FOLLOW_THE_PROFILE) {
            jdbc.update("delete from " + table + " where customer_id = ?", mergedId);
        }
        jdbc.update("delete from " + PROFILE + " where customer_id = ?", mergedId);
    }

    /** Deletes every row of these customers from every table that names a customer; answers table → rows deleted. */
    Map<String, Integer> erase(List<String> customerIds) {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        NAMING_CUSTOMERS.forEach((table, columns) -> {
            String where = String.join(" = ? or ", columns) + " = ?";
            int rows = 0;
            for (String customerId : customerIds) {
                rows += jdbc.update("delete from " + table + " where " + where, columnsTimes(customerId, columns.size()));
            }
            deleted.put(table, rows);
        });
        return deleted;
    }

    private static Object[] columnsTimes(String customerId, int times) {
        Object[] arguments = new Object[times];
        Arrays.fill(arguments, customerId);
        return arguments;
    }

    private static Map<String, List<String>> naming(String... tablesAndColumns) {
        Map<String, List<String>> naming = new LinkedHashMap<>();
        for (int i = 0; i < tablesAndColumns.length; i += 2) {
            naming.put(tablesAndColumns[i], List.of(tablesAndColumns[i + 1].split(",")));
        }
        return Collections.unmodifiableMap(naming);
    }
}
