package io.touchpoint.profiles;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import jakarta.annotation.PostConstruct;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which customer ids were merged into which ({@code customer_merge}), with a copy in every member's memory so
 * that an event naming a merged-away id finds its survivor without asking the database.
 */
@Component
class MergedCustomers {

    static final String MAP_NAME = "profile-merges";

    private final JdbcTemplate jdbc;
    private final ReplicatedMap<String, String> survivors;

    MergedCustomers(JdbcTemplate jdbc, HazelcastInstance hazelcast) {
        this.jdbc = jdbc;
        this.survivors = hazelcast.getReplicatedMap(MAP_NAME);
    }

    @PostConstruct
    void loadFromDatabase() {
        jdbc.query("select merged_id, survivor_id from customer_merge", row -> {
            survivors.put(row.getString("merged_id"), row.getString("survivor_id"));
        });
    }

    /** The id a customer is known by now: the survivor of the merges it went through, else itself. */
    String current(String customerId) {
        String survivor = survivors.get(customerId);
        return survivor == null ? customerId : survivor;
    }

    /** The ids merged into this customer. */
    List<String> mergedInto(String survivorId) {
        return jdbc.queryForList("select merged_id from customer_merge where survivor_id = ?", String.class, survivorId);
    }

    /** Whether any of these ids has been merged into another customer (as committed: asked of the database). */
    boolean anyMergedAway(List<String> customerIds) {
        String marks = String.join(", ", Collections.nCopies(customerIds.size(), "?"));
        return jdbc.queryForObject("select count(*) from customer_merge where merged_id in (" + marks + ")", Integer.class, customerIds.toArray()) > 0;
    }

    /** Records a merge in the caller's transaction; {@link #remember} makes it visible once that has committed. */
    void record(String mergedId, String survivorId, Instant at) {
        jdbc.update("update customer_merge set survivor_id = ? where survivor_id = ?", survivorId, mergedId);
        jdbc.update("insert into customer_merge (merged_id, survivor_id, merged_at) values (?, ?, ?)", mergedId, survivorId, Timestamp.from(at));
    }

    void remember(String mergedId, String survivorId) {
        for (Map.Entry<String, String> earlier : survivors.entrySet()) {
            if (earlier.getValue().equals(mergedId)) {
                survivors.put(earlier.getKey(), survivorId);
            }
        }
        survivors.put(mergedId, survivorId);
    }

    /** Forgets the merges of erased customers once their rows are deleted ({@link CustomerRows#erase}). */
    void forget(List<String> customerIds) {
        customerIds.forEach(survivors::remove);
    }
}
