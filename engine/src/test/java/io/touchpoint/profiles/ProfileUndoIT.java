package io.touchpoint.profiles;

import static io.touchpoint.profiles.ProfilesIT.newCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.EngineIT;

/** An event's change of the cached profile (and of its row) is put back when the intake's transaction rolls back. */
class ProfileUndoIT extends EngineIT {

    @Autowired
    ProfileService profiles;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theChangesOfEventsWhoseTransactionRollsBackArePutBackLatestFirst() {
        String customer = newCustomer();
        profiles.apply(customer, update("ev-" + customer + "-0", Map.of("plan", "free")));
        CustomerProfile before = profiles.find(customer).orElseThrow();

        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            profiles.apply(customer, update("ev-" + customer + "-1", Map.of("plan", "gold")));
            profiles.apply(customer, update("ev-" + customer + "-2", Map.of("vip", true)));
            assertThat(profiles.find(customer).orElseThrow().attributes()).containsEntry("plan", "gold").containsEntry("vip", true);
            status.setRollbackOnly(); // as when a journey fails to start after the profile changed
        });

        assertThat(profiles.find(customer).orElseThrow()).isEqualTo(before);
        assertThat(jdbc.queryForObject("select profile_json from customer_profile where customer_id = ?", String.class, customer))
                .contains("\"free\"").doesNotContain("gold").doesNotContain("vip");
    }

    @Test
    void aCustomerMadeByAnEventWhoseTransactionRollsBackIsGoneAgain() {
        String customer = newCustomer();

        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            profiles.apply(customer, update("ev-" + customer, Map.of("plan", "gold")));
            status.setRollbackOnly();
        });

        assertThat(profiles.find(customer)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from customer_profile where customer_id = ?", Integer.class, customer)).isZero();
    }

    @Test
    void aCommittedChangeStays() {
        String customer = newCustomer();

        new TransactionTemplate(transactions).executeWithoutResult(status -> profiles.apply(customer, update("ev-" + customer, Map.of("plan", "gold"))));

        assertThat(profiles.find(customer).orElseThrow().attributes()).containsEntry("plan", "gold");
    }

    private static ProfileUpdate update(String eventId, Map<String, Object> traits) {
        Instant now = Instant.now();
        return ProfileUpdate.of(Map.of(), Map.of("traits", traits), now).forEvent(eventId, "plan_changed", now);
    }
}
