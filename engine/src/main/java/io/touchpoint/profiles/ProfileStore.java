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
        List<String> rows = jdbc.queryForList("select profile_json from customer_profile where customer_id = ?", String.class, customerId);
        return rows.isEmpty() ? null : read(rows.get(0));
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
