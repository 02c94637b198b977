package io.touchpoint.profiles;

import java.util.Optional;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.springframework.stereotype.Service;

/** Reads and updates customer profiles: the Hazelcast map in front, the database behind it. */
@Service
public class ProfileService {

    public static final String MAP_NAME = "profiles";

    private final IMap<String, CustomerProfile> profiles;
    private final ProfileStore store;

    ProfileService(HazelcastInstance hazelcast, ProfileStore store) {
        this.profiles = hazelcast.getMap(MAP_NAME);
        this.store = store;
    }

    public Optional<CustomerProfile> find(String customerId) {
        return Optional.ofNullable(profiles.get(customerId));
    }

    /** Applies an update atomically; concurrent updates of one customer are applied one after the other. */
    public CustomerProfile apply(String customerId, ProfileUpdate update) {
        return profiles.executeOnKey(customerId, new ApplyEventToProfile(update));
    }

    /**
     * The customer an event without a customer id belongs to: the owner of its email or phone, else a new id.
     */
    public String resolveCustomerId(String email, String phone) {
        return Optional.ofNullable(email).flatMap(e -> store.findCustomerIdByIdentity("email", e))
                .or(() -> Optional.ofNullable(phone).flatMap(p -> store.findCustomerIdByIdentity("phone", p)))
                .orElseGet(() -> "c-" + UUID.randomUUID());
    }
}
