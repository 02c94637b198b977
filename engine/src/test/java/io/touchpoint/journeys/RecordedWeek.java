package io.touchpoint.journeys;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.touchpoint.events.CustomerEvent;

/**
 * A week of shop events for a number of customers in four time zones, the same for the same seed: each customer's
 * profile (the day before the week; every tenth without email consent), a cart left at any hour, for 45% an order
 * 10 to 200 minutes later (before and after a one- or two-hour reminder), for 20% a second cart a day or two later,
 * and for every tenth customer the moment a live journey sent them a message (half an hour after their first cart).
 * Events that would fall after the week are left out.
 */
record RecordedWeek(Instant from, List<CustomerEvent> profiles, List<CustomerEvent> events, Map<String, Instant> liveSends,
                    Map<String, ZoneId> zones) {

    static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC");

    Instant to() {
        return from.plus(Duration.ofDays(7));
    }

    /** The local day of each live send, per customer. */
    Map<String, LocalDate> liveSendDays() {
        Map<String, LocalDate> days = new HashMap<>();
        liveSends.forEach((customer, at) -> days.put(customer, LocalDate.ofInstant(at, zones.get(customer))));
        return days;
    }

    static RecordedWeek generate(int customers, String prefix, Instant from, long seed) {
        Random random = new Random(seed);
        List<CustomerEvent> events = new ArrayList<>();
        List<CustomerEvent> profiles = new ArrayList<>();
        Map<String, ZoneId> zones = new HashMap<>();
        Map<String, Instant> liveSends = new HashMap<>();
        for (int i = 0; i < customers; i++) {
            String customer = prefix + "-" + i;
            ZoneId zone = ZoneId.of(ZONES.get(i % ZONES.size()));
            zones.put(customer, zone);
            Map<String, Object> profile = new HashMap<>(Map.of("timeZone", zone.getId(), "traits", Map.of("firstName", "Customer" + i)));
            if (i % 10 == 3) {
                profile.put("consents", Map.of("email", false));
            }
            profiles.add(new CustomerEvent(null, "profile_updated", customer,
                    Map.of("email", customer + "@example.com", "phone", "+49151" + (1_000_000 + i)), from.minus(Duration.ofDays(1)), profile));
            Instant cart = from.plus(Duration.ofMinutes(random.nextInt(6 * 24 * 60)));
            double total = 20 + random.nextInt(230);
            events.add(cart(customer, cart, total, "k-" + i));
            if (random.nextInt(100) < 45) {
                events.add(new CustomerEvent(null, "order_placed", customer, Map.of(), cart.plus(Duration.ofMinutes(10 + random.nextInt(190))),
                        Map.of("orderId", "o-" + i, "total", total)));
            }
            if (random.nextInt(100) < 20) {
                events.add(cart(customer, cart.plus(Duration.ofMinutes(24 * 60 + random.nextInt(24 * 60))), total / 2, "k2-" + i));
            }
            if (i % 10 == 7) {
                liveSends.put(customer, cart.plus(Duration.ofMinutes(30)));
            }
        }
        Instant to = from.plus(Duration.ofDays(7));
        events.removeIf(event -> !event.occurredAt().isBefore(to)); // an order or a second cart after the week is not in it
        events.sort(Comparator.comparing(CustomerEvent::occurredAt));
        return new RecordedWeek(from, profiles, events, liveSends, zones);
    }

    private static CustomerEvent cart(String customer, Instant at, double total, String cartId) {
        return new CustomerEvent(null, "cart_abandoned", customer, Map.of(), at,
                Map.of("cartId", cartId, "total", total, "items", List.of(Map.of("sku", "D-1", "name", "Linen dress", "quantity", 1, "price", total))));
    }
}
