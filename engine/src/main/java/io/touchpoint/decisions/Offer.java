package io.touchpoint.decisions;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One offer of the catalogue ({@code rules/offers.yaml}, or saved over {@code /api/offers}): its id (what rules and
 * journeys name), its text per locale ({@code en}, {@code de}, {@code pt-BR}), the channels it may go out on (empty:
 * any) and the period it is valid in (either end open). Which customers may get it is said by the rules
 * ({@code $decision.allowOffer(rule, "ID")}).
 */
public record Offer(String id, Map<String, String> text, List<String> channels, Instant validFrom, Instant validTo) {

    public Offer {
        text = Map.copyOf(text);
        channels = channels == null ? List.of() : List.copyOf(channels);
    }

    /** Whether the offer may be made at {@code now}: from {@code validFrom} (inclusive) to {@code validTo} (exclusive). */
    public boolean validAt(Instant now) {
        return (validFrom == null || !now.isBefore(validFrom)) && (validTo == null || now.isBefore(validTo));
    }

    /** Whether the offer may go out on a message of one of these channels (an offer without channels: any). */
    public boolean allowsAny(List<String> messageChannels) {
        return channels.isEmpty() || messageChannels.stream().anyMatch(channels::contains);
    }

    /** The text in the customer's locale: exactly, else its language, else English, else the first by locale name. */
    public String textFor(String locale) {
        if (locale != null) {
            String exact = text.get(locale);
            if (exact != null) {
                return exact;
            }
            String language = text.get(locale.split("[-_]")[0].toLowerCase(Locale.ROOT));
            if (language != null) {
                return language;
            }
        }
        return text.getOrDefault("en", text.values().stream().sorted().findFirst().orElse(""));
    }
}
