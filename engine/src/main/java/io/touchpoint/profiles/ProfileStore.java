package io.touchpoint.profiles;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.hazelcast.map.MapStore;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes profiles through from Hazelcast to {@code customer_profile} and loads them back on a miss; keeps
 * {@code customer_identity} (who owns which email, phone, anonymous or external id).
 */
@Component
public class ProfileStore implements MapStore<String, CustomerProfile> {

    private final JdbcTemplate jdbc;
    private final ObjectWriter writer;
    private final ObjectReader reader;

    ProfileStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        // empty and null fields are left out of the stored document: a smaller row is a cheaper write
        this.writer = json.copy().setSerializationInclusion(JsonInclude.Include.NON_EMPTY).writerFor(CustomerProfile.class);
        this.reader = json.readerFor(CustomerProfile.class);
    }

    @Override
    public void store(String customerId, CustomerProfile profile) {
        String document = write(profile);
        Timestamp updatedAt = Timestamp.from(profile.updatedAt());
        int updated = jdbc.update("update customer_profile set email = ?, phone = ?, profile_json = ?, updated_at = ? where customer_id = ?",
                profile.email(), profile.phone(), document, updatedAt, customerId);
        if (updated == 0) {
            jdbc.update("insert into customer_profile (customer_id, email, phone, profile_json, updated_at) values (?, ?, ?, ?, ?)",
                    customerId, profile.email(), profile.phone(), document, updatedAt);
        }
    }

    @Override
    public void storeAll(Map<String, CustomerProfile> profiles) {
        profiles.forEach(this::store);
    }

    @Override
    public void delete(String customerId) {
        jdbc.update("delete from customer_identity where customer_id = ?", customerId);
        jdbc.update("delete from customer_profile where customer_id = ?", customerId);
    }

    @Override
    public void deleteAll(Collection<String> customerIds) {
        customerIds.forEach(this::delete);
    }

    @Override
    public CustomerProfile load(String customerId) {
        return storedDocument(customerId).map(this::read).orElse(null);
    }

    @Override
    public Map<String, CustomerProfile> loadAll(Collection<String> customerIds) {
        Map<String, CustomerProfile> found = new HashMap<>();
        for (String id : customerIds) {
            CustomerProfile profile = load(id);
            if (profile != null) {
                found.put(id, profile);
            }
        }
        return found;
    }

    @Override
    public Iterable<String> loadAllKeys() {
        return null; // lazy: profiles are loaded one by one when first asked for
    }

    /** The customer who owns an identity (kind "email", "phone", "anonymousId", "userId", ...), if any. */
    public Optional<String> ownerOf(String kind, String value) {
        return jdbc.queryForList("select customer_id from customer_identity where kind = ? and identity_value = ?",
                String.class, kind, value).stream().findFirst();
    }

    /** A customer found by a search: its id and the email and phone its stored profile holds. */
    public record Match(String customerId, String email, String phone) {
    }

    /**
     * The customers whose id is {@code query}, or who own it as their email (lower case) or phone (spaces taken out),
     * the latest updated first. Reads the stored profiles, not the cache.
     */
    public List<Match> search(String query) {
        return jdbc.query("select customer_id, email, phone from customer_profile where customer_id = ? or customer_id in"
                        + " (select customer_id from customer_identity where kind = 'email' and identity_value = ?"
                        + " or kind = 'phone' and identity_value = ?) order by updated_at desc",
                (row, n) -> new Match(row.getString(1), row.getString(2), row.getString(3)),
                query, query.toLowerCase(), query.replace(" ", ""));
    }

    /** The customer's profile as stored (the JSON document written through from the cache), if there is one. */
    public Optional<String> storedDocument(String customerId) {
        return jdbc.queryForList("select profile_json from customer_profile where customer_id = ?", String.class, customerId)
                .stream().findFirst();
    }

    /**
     * Records identities as owned by the customer where nobody owns them yet; one owned by another customer stays
     * with that customer (until a merge). Called with the identities an update added, so most updates write none.
     */
    void claimIdentities(String customerId, Map<String, Set<String>> identities) {
        identities.forEach((kind, values) -> values.forEach(value -> claim(customerId, kind, value)));
    }

    private void claim(String customerId, String kind, String value) {
        try {
            jdbc.update("insert into customer_identity (kind, identity_value, customer_id) select ?, ?, ? "
                    + "where not exists (select 1 from customer_identity where kind = ? and identity_value = ?)",
                    kind, value, customerId, kind, value);
        } catch (DuplicateKeyException claimedMeanwhile) {
            // another customer claimed it at the same moment: the first owner keeps it until a merge
        }
    }

    private String write(CustomerProfile profile) {
        try {
            return writer.writeValueAsString(profile);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write profile " + profile.customerId(), e);
        }
    }

    private CustomerProfile read(String document) {
        try {
            return reader.readValue(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read stored profile: " + e.getOriginalMessage(), e);
        }
    }
}
