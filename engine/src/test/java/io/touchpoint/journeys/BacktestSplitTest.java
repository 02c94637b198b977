package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.touchpoint.events.CustomerEvent;

class BacktestSplitTest {

    private static final Instant AT = Instant.parse("2025-06-02T10:00:00Z");

    @Test
    void customersAreSplitByEventsAndThoseSharingAnIdentityStayTogether() {
        List<CustomerEvent> profiles = List.of(profile("a", "a@example.com"), profile("b", "b@example.com"),
                profile("c", "c@example.com"), profile("d", "d@example.com"));
        List<CustomerEvent> events = List.of(event("a", 0, Map.of()), event("b", 1, Map.of()), event("c", 2, Map.of()),
                event("d", 3, Map.of("email", "a@example.com")), event("a", 4, Map.of()), event("b", 5, Map.of()), event("c", 6, Map.of()));

        List<DraftJourneys.Part> parts = DraftJourneys.split(profiles, events, 2);

        assertThat(parts).hasSize(2);
        assertThat(parts).anySatisfy(part -> assertThat(customers(part.events())).isEqualTo(Set.of("a", "d")));
        assertThat(parts).allSatisfy(part -> {
            assertThat(customers(part.profiles())).isEqualTo(customers(part.events()));
            assertThat(part.events()).isSortedAccordingTo(java.util.Comparator.comparing(CustomerEvent::occurredAt));
        });
        assertThat(parts.stream().mapToInt(part -> part.events().size()).sum()).isEqualTo(events.size());
        assertThat(DraftJourneys.split(profiles, events, 1)).singleElement().satisfies(part -> assertThat(part.events()).isEqualTo(events));
        assertThat(DraftJourneys.split(profiles, events.subList(0, 1), 2)).singleElement()
                .satisfies(part -> assertThat(customers(part.events())).containsExactly("a"));
    }

    private static Set<String> customers(List<CustomerEvent> events) {
        return events.stream().map(CustomerEvent::customerId).collect(Collectors.toSet());
    }

    private static CustomerEvent profile(String customer, String email) {
        return new CustomerEvent(null, "profile_updated", customer, Map.of("email", email), null, Map.of());
    }

    private static CustomerEvent event(String customer, int minute, Map<String, String> identities) {
        return new CustomerEvent(null, "cart_abandoned", customer, identities, AT.plusSeconds(60L * minute), Map.of());
    }
}
