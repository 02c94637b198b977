package io.touchpoint.profiles;

import static io.touchpoint.profiles.ProfilesIT.newCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;

/**
 * What the profile tables must keep, whatever the database: run by {@link H2ProfilePersistenceIT} and
 * {@link PostgresProfilePersistenceIT}. Each test drops the cached entries so that reads come from the database.
 */
abstract class ProfilePersistenceContract extends EngineIT {

    @Autowired
    ProfileService profiles;
    @Autowired
    HazelcastInstance hazelcast;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ProfileStore store;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate transaction;

    @Test
    void aProfileDroppedFromTheCacheLoadsBackFromTheDatabaseWithEveryField() {
        String customer = newCustomer();
        profiles.apply(customer, fullUpdate(customer));
        CustomerProfile written = profiles.find(customer).orElseThrow();

        evict(customer);

        assertThat(profiles.find(customer)).hasValue(written);
        assertThat(written.computedTraits().lifetimeValue()).isEqualByComparingTo("12.50");
        assertThat(written.attributes()).containsEntry("birthday", "1990-05-01").containsEntry("interests", List.of("linen"));
    }

    @Test
    void aScanForTheSegmentsReadsEveryStoredProfileOnceInRangesAndResumesAfterACustomer() {
        List<String> customers = java.util.stream.IntStream.range(0, 7).mapToObj(i -> newCustomer()).toList();
        customers.forEach(customer -> profiles.apply(customer, fullUpdate(customer)));

        Map<String, CustomerProfile> all = new java.util.LinkedHashMap<>();
        String last = store.scanForSegments(null, null, Long.MAX_VALUE, profile -> assertThat(all.put(profile.customerId(), profile)).isNull());
        assertThat(all).hasSize((int) store.count(null)).containsKeys(customers.toArray(String[]::new));
        assertThat(last).isEqualTo(store.scanPositionOf(List.copyOf(all.keySet()).get(all.size() - 1)));
        CustomerProfile cached = profiles.find(customers.get(0)).orElseThrow();
        assertThat(all.get(customers.get(0))).as("what the segments read, as the cache holds it").satisfies(scanned -> {
            assertThat(scanned.attributes()).isEqualTo(cached.attributes());
            assertThat(scanned.identities()).isEqualTo(cached.identities());
            assertThat(scanned.consents()).isEqualTo(cached.consents());
            assertThat(scanned.computedTraits()).isEqualTo(cached.computedTraits());
            assertThat(scanned.eventCount()).isEqualTo(cached.eventCount());
            assertThat(scanned.createdAt()).isEqualTo(cached.createdAt());
            assertThat(scanned.segments()).isEqualTo(cached.segments());
            assertThat(scanned.recentEvents()).as("not read").isEmpty();
        });

        List<String> bounds = new java.util.ArrayList<>();
        bounds.add(null);
        bounds.addAll(store.splitPoints(3));
        bounds.add(null);
        assertThat(bounds).hasSize(4);
        List<String> inRanges = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < bounds.size(); i++) {
            store.scanForSegments(bounds.get(i), bounds.get(i + 1), Long.MAX_VALUE, profile -> inRanges.add(profile.customerId()));
        }
        assertThat(inRanges).containsExactlyElementsOf(all.keySet());

        String middle = List.copyOf(all.keySet()).get(all.size() / 2);
        List<String> resumed = new java.util.ArrayList<>();
        store.scanForSegments(store.scanPositionOf(middle), null, Long.MAX_VALUE, profile -> resumed.add(profile.customerId()));
        assertThat(resumed).containsExactlyElementsOf(List.copyOf(all.keySet()).subList(all.size() / 2 + 1, all.size()));
        List<String> two = new java.util.ArrayList<>();
        store.scanForSegments(null, null, 2, profile -> two.add(profile.customerId()));
        assertThat(two).containsExactlyElementsOf(List.copyOf(all.keySet()).subList(0, 2));
        assertThat(store.scanPositionOf("nobody-" + customers.get(0))).isNull();
    }

    @Test
    void everyIdentityIsRecordedAsOwnedByTheCustomer() {
        String customer = newCustomer();
        profiles.apply(customer, fullUpdate(customer));

        assertThat(jdbc.queryForList("select kind || '=' || identity_value from customer_identity where customer_id = ?", String.class, customer))
                .containsExactlyInAnyOrder("email=" + customer + "@example.com", "phone=+49" + customer.hashCode(),
                        "anonymousId=a-" + customer, "userId=u-" + customer);
        assertThat(profiles.resolveCustomerId(null, Map.of("userId", "u-" + customer))).isEqualTo(customer);
    }

    @Test
    void aMergeIsKeptInTheDatabase() {
        String survivor = newCustomer();
        String mergedAway = newCustomer();
        profiles.apply(survivor, ProfileUpdate.of(Map.of("email", survivor + "@example.com"), Map.of(), Instant.now()).forEvent("e1", "signed_up", Instant.now()));
        profiles.apply(mergedAway, fullUpdate(mergedAway));

        profiles.apply(survivor, ProfileUpdate.of(Map.of(), Map.of("previousId", mergedAway), Instant.now()).forEvent("e2", "alias", Instant.now()));
        evict(survivor);
        evict(mergedAway);

        assertThat(profiles.find(mergedAway)).hasValueSatisfying(profile -> {
            assertThat(profile.customerId()).isEqualTo(survivor);
            assertThat(profile.computedTraits().orderCount()).isEqualTo(1);
            assertThat(profile.mergedIds()).containsExactly(mergedAway);
        });
        assertThat(jdbc.queryForObject("select survivor_id from customer_merge where merged_id = ?", String.class, mergedAway)).isEqualTo(survivor);
        assertThat(jdbc.queryForObject("select count(*) from customer_profile where customer_id = ?", Integer.class, mergedAway)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from customer_identity where customer_id = ?", Integer.class, mergedAway)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from customer_identity where customer_id = ?", Integer.class, survivor)).isEqualTo(5);
    }

    @Test
    void anErasureLeavesNoRowOfTheCustomer() {
        String customer = newCustomer();
        profiles.apply(customer, fullUpdate(customer));

        ProfileService.Erasure erasure = profiles.erase(customer);

        assertThat(erasure.profiles()).isOne();
        assertThat(erasure.identities()).isEqualTo(4);
        assertThat(jdbc.queryForObject("select count(*) from customer_profile where customer_id = ?", Integer.class, customer)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from customer_identity where customer_id = ?", Integer.class, customer)).isZero();
        assertThat(profiles.find(customer)).isEmpty();
    }

    @Test
    void anIntakeTransactionWritesTheProfilesItChangedJustBeforeItCommits() {
        List<String> customers = List.of(newCustomer(), newCustomer(), newCustomer());
        Instant at = Instant.now();

        transaction.executeWithoutResult(status -> {
            customers.forEach(customer -> profiles.apply(customer,
                    ProfileUpdate.of(Map.of("email", customer + "@example.com"), Map.of("traits", Map.of("tier", "gold")), at)
                            .forEvent("ev-" + customer, "signed_up", at)));
            assertThat(rows(customers)).as("not written through one by one").isZero();
        });

        assertThat(rows(customers)).isEqualTo(3);
        customers.forEach(this::evict);
        customers.forEach(customer -> assertThat(profiles.find(customer)).hasValueSatisfying(profile -> {
            assertThat(profile.email()).isEqualTo(customer + "@example.com");
            assertThat(profile.attributes()).containsEntry("tier", "gold");
        }));
    }

    @Test
    void aTransactionThatRollsBackWritesNoProfileAndPutsTheCachedOneBack() {
        String customer = newCustomer();
        profiles.apply(customer, ProfileUpdate.of(Map.of(), Map.of("traits", Map.of("tier", "silver")), Instant.now()));

        transaction.executeWithoutResult(status -> {
            profiles.apply(customer, ProfileUpdate.of(Map.of(), Map.of("traits", Map.of("tier", "gold")), Instant.now())
                    .forEvent("ev-" + customer, "upgraded", Instant.now()));
            status.setRollbackOnly();
        });

        assertThat(profiles.find(customer).orElseThrow().attributes()).containsEntry("tier", "silver");
        evict(customer);
        assertThat(profiles.find(customer).orElseThrow().attributes()).containsEntry("tier", "silver");
    }

    @Test
    void eachVersionOfAProfileIsLaterThanTheOneBeforeAndAnOlderOneWrittenLastChangesNothing() {
        String customer = newCustomer();
        Instant sameMoment = Instant.now();
        profiles.apply(customer, ProfileUpdate.of(Map.of(), Map.of("traits", Map.of("tier", "silver")), sameMoment));
        CustomerProfile older = profiles.find(customer).orElseThrow();
        profiles.apply(customer, ProfileUpdate.of(Map.of(), Map.of("traits", Map.of("tier", "gold")), sameMoment));
        CustomerProfile newer = profiles.find(customer).orElseThrow();
        assertThat(newer.updatedAt()).isAfter(older.updatedAt());

        store.storeLatest(List.of(newer));
        store.storeLatest(List.of(older)); // a slower transaction's write, landing last

        evict(customer);
        assertThat(profiles.find(customer)).hasValue(newer);
    }

    private int rows(List<String> customers) {
        return customers.stream().mapToInt(customer ->
                jdbc.queryForObject("select count(*) from customer_profile where customer_id = ?", Integer.class, customer)).sum();
    }

    private void evict(String customerId) {
        hazelcast.getMap(ProfileService.MAP_NAME).evict(customerId);
        assertThat(hazelcast.getMap(ProfileService.MAP_NAME).localKeySet()).doesNotContain(customerId);
    }

    static ProfileUpdate fullUpdate(String customer) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return ProfileUpdate.of(
                Map.of("email", customer + "@example.com", "phone", "+49" + customer.hashCode(), "anonymousId", "a-" + customer, "userId", "u-" + customer),
                Map.of("traits", Map.of("firstName", "Pat", "birthday", "1990-05-01", "size", 38, "vip", true, "interests", List.of("linen")),
                        "consents", Map.of("email.marketing", true, "sms", false),
                        "timeZone", "Europe/Berlin", "locale", "de-DE", "total", new BigDecimal("12.50")),
                at).forEvent("ev-" + customer, "order_placed", at);
    }
}
