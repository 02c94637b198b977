package io.touchpoint.decisions;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * The messages already sent to a customer (any journey, any channel), counted by calendar day in the
 * customer's time zone: "in 7 days" means today and the six local days before.
 */
public final class ContactHistory {

    /** One message sent: its channel, category (marketing/transactional) and when. */
    public record Contact(String channel, String category, Instant sentAt) {
    }

    private final List<Contact> contacts;
    private final ZoneId zone;

    public ContactHistory(List<Contact> contacts, ZoneId zone) {
        this.contacts = List.copyOf(contacts);
        this.zone = zone;
    }

    public List<Contact> getContacts() {
        return contacts;
    }

    /** Messages of the category sent on the local day of {@code moment} and the {@code days - 1} days before. */
    public int sentWithin(String category, int days, Instant moment) {
        LocalDate last = LocalDate.ofInstant(moment, zone);
        LocalDate first = last.minusDays(days - 1L);
        return (int) contacts.stream()
                .filter(c -> category.equals(c.category()))
                .map(c -> LocalDate.ofInstant(c.sentAt(), zone))
                .filter(day -> !day.isBefore(first) && !day.isAfter(last))
                .count();
    }

    /** The first local midnight after {@code moment} at which fewer than {@code max} messages lie in the window. */
    public Instant nextAllowed(String category, int days, int max, Instant moment) {
        LocalDate day = LocalDate.ofInstant(moment, zone);
        for (int ahead = 1; ahead <= days; ahead++) {
            Instant midnight = day.plusDays(ahead).atStartOfDay(zone).toInstant();
            if (sentWithin(category, days, midnight) < max) {
                return midnight;
            }
        }
        return day.plusDays(days + 1L).atStartOfDay(zone).toInstant();
    }
}
