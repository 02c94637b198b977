package io.touchpoint.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The merge rules on plain profiles (no Hazelcast, no database). */
class ProfileMergeTest {

    private static final Instant MONDAY = Instant.parse("2026-11-16T10:00:00Z");
    private static final Instant TUESDAY = Instant.parse("2026-11-17T10:00:00Z");
    private static final Instant FRIDAY = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void eachAttributeComesFromTheProfileThatSetItLast() {
        CustomerProfile survivor = profile("c-1", "one@example.com", Map.of("firstName", "Old", "plan", "gold"), Map.of("firstName", MONDAY, "plan", TUESDAY), Map.of(), TUESDAY);
        CustomerProfile merged = profile("c-2", "two@example.com", Map.of("firstName", "New", "plan", "free", "city", "Oslo"),
                Map.of("firstName", TUESDAY, "plan", MONDAY, "city", MONDAY), Map.of(), MONDAY);

        CustomerProfile result = ProfileMerge.of(survivor, merged, 20, FRIDAY);

        assertThat(result.customerId()).isEqualTo("c-1");
        assertThat(result.attributes()).containsEntry("firstName", "New").containsEntry("plan", "gold").containsEntry("city", "Oslo");
        assertThat(result.email()).as("the primary email of the more recently updated profile").isEqualTo("one@example.com");
        assertThat(result.identities().get("email")).containsExactlyInAnyOrder("one@example.com", "two@example.com");
        assertThat(result.mergedIds()).containsExactly("c-2");
        assertThat(result.updatedAt()).isEqualTo(FRIDAY);
    }

    @Test
    void aRefusedConsentStaysRefused() {
        CustomerProfile survivor = profile("c-1", null, Map.of(), Map.of(), Map.of("email", true, "sms", true), TUESDAY);
        CustomerProfile merged = profile("c-2", null, Map.of(), Map.of(), Map.of("sms", false, "push", true), MONDAY);

        assertThat(ProfileMerge.of(survivor, merged, 20, FRIDAY).consents()).containsEntry("email", true).containsEntry("sms", false).containsEntry("push", true);
    }

    @Test
    void countersAddUpAndHistoriesAreUnitedNewestFirstWithinTheBound() {
        CustomerProfile survivor = withActivity(profile("c-1", null, Map.of(), Map.of(), Map.of(), TUESDAY), 3, "5.00",
                List.of(new RecentEvent("a", "order_placed", TUESDAY), new RecentEvent("b", "page_viewed", MONDAY)));
        CustomerProfile merged = withActivity(profile("c-2", null, Map.of(), Map.of(), Map.of(), MONDAY), 2, "7.50",
                List.of(new RecentEvent("c", "order_placed", FRIDAY)));

        CustomerProfile result = ProfileMerge.of(survivor, merged, 2, FRIDAY);

        assertThat(result.eventCount()).isEqualTo(5);
        assertThat(result.computedTraits().orderCount()).isEqualTo(5);
        assertThat(result.computedTraits().lifetimeValue()).isEqualByComparingTo("12.50");
        assertThat(result.computedTraits().lastOrderAt()).isEqualTo(FRIDAY);
        assertThat(result.recentEvents()).extracting(RecentEvent::eventId).containsExactly("c", "a");
    }

    private static CustomerProfile profile(String id, String email, Map<String, Object> attributes, Map<String, Instant> setAt,
                                           Map<String, Boolean> consents, Instant updatedAt) {
        return new CustomerProfile(id, email, null, Map.of(), attributes, setAt, consents, null, null, ComputedTraits.NONE, List.of(), 0,
                Set.of(), updatedAt, updatedAt);
    }

    private static CustomerProfile withActivity(CustomerProfile p, long orders, String value, List<RecentEvent> recent) {
        Instant lastOrder = recent.get(0).occurredAt();
        return new CustomerProfile(p.customerId(), p.email(), p.phone(), p.identities(), p.attributes(), p.attributesUpdatedAt(), p.consents(),
                null, null, new ComputedTraits(orders, lastOrder, new BigDecimal(value), lastOrder, lastOrder), recent, orders,
                Set.of(), p.createdAt(), p.updatedAt());
    }
}
