package io.touchpoint.decisions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import io.touchpoint.system.StoredFiles;

/**
 * The offer catalogue: {@value #FILE} in the rules folder, replaced as a whole by the copy saved over the API
 * ({@link StoredFiles}, area {@value #AREA}; every node reloads it). Every offer is checked when it is read or
 * saved; a bad file stops the start, a bad change is refused with the field it names ({@link InvalidOfferException}).
 */
@Component
public class OfferCatalogue {

    static final String FILE = "offers.yaml";
    static final String AREA = "offers";
    static final Set<String> CHANNELS = Set.of("email", "sms", "push");
    private static final Logger log = LoggerFactory.getLogger(OfferCatalogue.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
    private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?");
    private static final Set<String> FIELDS = Set.of("id", "text", "channels", "validFrom", "validTo");

    /** An offer or catalogue that is not valid; the message starts with the field, e.g. {@code offers[2].validTo}. */
    public static class InvalidOfferException extends IllegalArgumentException {
        InvalidOfferException(String message) {
            super(message);
        }
    }

    private final ResourcePatternResolver resolver;
    private final String location;
    private final StoredFiles stored;
    private final AtomicReference<Catalogue> current = new AtomicReference<>();

    /** The running catalogue and the stored version it came from (0: the folder's file). */
    private record Catalogue(Map<String, Offer> offers, long version, String origin) {
    }

    @Autowired
    OfferCatalogue(ResourcePatternResolver resolver, @Value("${touchpoint.folders.rules}") String location, StoredFiles stored) {
        this.resolver = resolver;
        this.location = location;
        this.stored = stored;
        current.set(load());
        log.info("Offer catalogue from {}: {} offers", current.get().origin(), current.get().offers().size());
        stored.onChange(AREA, this::refresh);
    }

    /** A fixed catalogue (tests, benchmarks). */
    public OfferCatalogue(List<Offer> offers) {
        this.resolver = null;
        this.location = null;
        this.stored = null;
        Map<String, Offer> byId = new LinkedHashMap<>();
        offers.forEach(offer -> byId.put(offer.id(), offer));
        current.set(new Catalogue(byId, 0, "fixed"));
    }

    public List<Offer> offers() {
        return List.copyOf(current.get().offers().values());
    }

    public Optional<Offer> find(String id) {
        return Optional.ofNullable(current.get().offers().get(id));
    }

    /** "folder" (rules/offers.yaml) or "api" (saved over the API). */
    public String origin() {
        return current.get().origin();
    }

    /** Adds or replaces one offer (checked) and stores the whole catalogue for every node. */
    public Offer save(Offer offer, String changedBy) {
        Offer checked = check(toMap(offer), "offer");
        Map<String, Offer> next = new LinkedHashMap<>(current.get().offers());
        next.put(checked.id(), checked);
        store(next, changedBy);
        return checked;
    }

    /** Removes one offer; false when there is none of that id. */
    public boolean remove(String id, String changedBy) {
        Map<String, Offer> next = new LinkedHashMap<>(current.get().offers());
        if (next.remove(id) == null) {
            return false;
        }
        store(next, changedBy);
        return true;
    }

    private void store(Map<String, Offer> offers, String changedBy) {
        byte[] yaml = toYaml(offers.values()).getBytes(StandardCharsets.UTF_8);
        stored.change(AREA, FILE, yaml, changedBy, proposed -> new Catalogue(parse(yaml), proposed.version(), "api"), this::swapIfNewer);
    }

    private synchronized void swapIfNewer(Catalogue next) {
        if (next.version() > current.get().version()) {
            current.set(next);
        }
    }

    private void refresh() {
        if (stored.version(AREA) > current.get().version()) {
            swapIfNewer(load());
        }
    }

    private Catalogue load() {
        StoredFiles.Snapshot saved = stored.read(AREA);
        byte[] content = saved.files().get(FILE);
        if (content != null) {
            return new Catalogue(parse(content), saved.version(), "api");
        }
        try {
            Resource file = resolver.getResource(location + FILE);
            return new Catalogue(file.exists() ? parse(file.getContentAsByteArray()) : Map.of(), saved.version(), "folder");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InvalidOfferException e) {
            throw new InvalidOfferException(location + FILE + ": " + e.getMessage());
        }
    }

    /** Reads a catalogue file ({@code offers:} a list of offers), checking every offer. */
    static Map<String, Offer> parse(byte[] yaml) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(yaml, StandardCharsets.UTF_8));
        } catch (YAMLException e) {
            throw new InvalidOfferException("offers: not YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (document == null) {
            return Map.of();
        }
        if (!(document instanceof Map<?, ?> root) || !(root.get("offers") instanceof List<?> list)) {
            throw new InvalidOfferException("offers: the file holds 'offers:', a list of offers");
        }
        Map<String, Offer> offers = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "offers[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> fields)) {
                throw new InvalidOfferException(where + ": an offer has id, text, channels, validFrom, validTo");
            }
            Offer offer = check(fields, where);
            if (offers.put(offer.id(), offer) != null) {
                throw new InvalidOfferException(where + ".id: '" + offer.id() + "' is there twice");
            }
        }
        return offers;
    }

    /** Checks one offer's fields; the exception names the first bad field ({@code where.field}). */
    static Offer check(Map<?, ?> fields, String where) {
        for (Object field : fields.keySet()) {
            if (!FIELDS.contains(String.valueOf(field))) {
                throw new InvalidOfferException(where + "." + field + ": not a field of an offer " + FIELDS.stream().sorted().toList());
            }
        }
        Object id = fields.get("id");
        if (!(id instanceof String text) || !ID.matcher(text).matches()) {
            throw new InvalidOfferException(where + ".id: '" + id + "' is not an offer id (letters, digits, _ and -, at most 100)");
        }
        if (!(fields.get("text") instanceof Map<?, ?> texts) || texts.isEmpty()) {
            throw new InvalidOfferException(where + ".text: give the offer's text per locale, e.g. en: 10% off your order");
        }
        Map<String, String> byLocale = new LinkedHashMap<>();
        texts.forEach((locale, value) -> {
            if (!LOCALE.matcher(String.valueOf(locale)).matches()) {
                throw new InvalidOfferException(where + ".text." + locale + ": not a locale such as en, de or pt-BR");
            }
            if (!(value instanceof String words) || words.isBlank() || words.length() > 1000) {
                throw new InvalidOfferException(where + ".text." + locale + ": the text is empty or longer than 1000 characters");
            }
            byLocale.put(String.valueOf(locale), words.strip());
        });
        List<String> channels = new ArrayList<>();
        Object channelList = fields.get("channels");
        if (channelList != null) {
            if (!(channelList instanceof List<?> named)) {
                throw new InvalidOfferException(where + ".channels: a list such as [email, push]");
            }
            for (Object channel : named) {
                if (!CHANNELS.contains(String.valueOf(channel))) {
                    throw new InvalidOfferException(where + ".channels: '" + channel + "' is not one of " + CHANNELS.stream().sorted().toList());
                }
                channels.add(String.valueOf(channel));
            }
        }
        Instant from = instant(fields.get("validFrom"), where + ".validFrom");
        Instant to = instant(fields.get("validTo"), where + ".validTo");
        if (from != null && to != null && !to.isAfter(from)) {
            throw new InvalidOfferException(where + ".validTo: " + to + " is not after validFrom " + from);
        }
        return new Offer((String) id, byLocale, channels, from, to);
    }

    private static Instant instant(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (value instanceof Date date) {
            return date.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        try {
            return Instant.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            throw new InvalidOfferException(field + ": '" + value + "' is not an ISO-8601 instant such as 2026-12-24T00:00:00Z");
        }
    }

    private static Map<String, Object> toMap(Offer offer) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", offer.id());
        fields.put("text", offer.text() == null ? Map.of() : new LinkedHashMap<>(offer.text()));
        if (offer.channels() != null && !offer.channels().isEmpty()) {
            fields.put("channels", new ArrayList<>(offer.channels()));
        }
        if (offer.validFrom() != null) {
            fields.put("validFrom", offer.validFrom().toString());
        }
        if (offer.validTo() != null) {
            fields.put("validTo", offer.validTo().toString());
        }
        return fields;
    }

    private static String toYaml(Iterable<Offer> offers) {
        List<Map<String, Object>> list = new ArrayList<>();
        offers.forEach(offer -> list.add(toMap(offer)));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return "# saved over /api/offers\n" + new Yaml(options).dump(Map.of("offers", list));
    }
}
