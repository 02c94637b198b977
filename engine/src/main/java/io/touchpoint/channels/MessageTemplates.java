package io.touchpoint.channels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.system.StoredFiles;

/**
 * The message templates in {@code workflows/templates/}, one file per message and locale, with those saved over the
 * API laid over them ({@link StoredFiles}, area {@value #AREA}: a saved template replaces the folder's file of the
 * same name or adds one, a deleted one hides it). A file that does not parse or render its example is refused
 * (listed with the reason) and the others still load; saving a bad template through {@link #save} is refused and the
 * running version stays. Every node reloads when another has saved or deleted a template.
 */
@Component
public class MessageTemplates {

    static final String AREA = "templates";
    private static final Logger log = LoggerFactory.getLogger(MessageTemplates.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");
    private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");

    private final ResourcePatternResolver resources;
    private final String location;
    private final String defaultLocale;
    private final StoredFiles stored;
    private volatile Loaded current = new Loaded(-1, Map.of(), Map.of());

    /** One generation of the templates (from the stored files' {@code version}): parsed ones and refused ones by key. */
    private record Loaded(long version, Map<String, MessageTemplate> templates, Map<String, String> refused) {
    }

    MessageTemplates(ResourcePatternResolver resources, @Value("${touchpoint.folders.workflows}templates/") String location,
                     @Value("${touchpoint.channels.default-locale}") String defaultLocale, StoredFiles stored) {
        this.resources = resources;
        this.location = location;
        this.defaultLocale = defaultLocale;
        this.stored = stored;
    }

    /** One template file as listed by the API: loaded, or refused with the reason. */
    public record Listing(String name, String locale, String channel, String category, String status, String problem) {
    }

    @PostConstruct
    void loadAll() throws IOException {
        reload();
        stored.onChange(AREA, this::refresh);
        refresh(); // a change made while this node loaded
    }

    /** The template files in force: the folder's with the ones stored over the API laid over them (a journey sandbox's input). */
    public Map<String, String> sources() throws IOException {
        return sources(stored.read(AREA));
    }

    private Map<String, String> sources(StoredFiles.Snapshot saved) throws IOException {
        Map<String, String> sources = new TreeMap<>();
        for (Resource file : resources.getResources(location + "*.yaml")) {
            sources.put(file.getFilename(), file.getContentAsString(StandardCharsets.UTF_8));
        }
        saved.files().forEach((file, content) -> {
            if (content == null) {
                sources.remove(file);
            } else {
                sources.put(file, new String(content, StandardCharsets.UTF_8));
            }
        });
        return sources;
    }

    /** Loads the folder's templates and the stored ones again and swaps them in at once. */
    synchronized void reload() throws IOException {
        StoredFiles.Snapshot saved = stored.read(AREA);
        Map<String, String> sources = sources(saved);
        Map<String, MessageTemplate> templates = new HashMap<>();
        Map<String, String> refused = new HashMap<>();
        sources.forEach((filename, source) -> {
            String[] nameAndLocale = nameAndLocale(filename);
            try {
                MessageTemplate template = MessageTemplate.parse(nameAndLocale[0], nameAndLocale[1], source);
                templates.put(key(template.name(), template.locale()), template);
            } catch (TemplateException e) {
                refused.put(key(nameAndLocale[0], nameAndLocale[1]), e.getMessage());
                log.error("TP-TEMPLATE-001 Template refused: {}", e.getMessage());
            }
        });
        current = new Loaded(saved.version(), Map.copyOf(templates), Map.copyOf(refused));
        log.info("Message templates from {} and stored version {}: {} loaded, {} refused", location, saved.version(),
                templates.size(), refused.size());
    }

    /** Reloads when the stored templates have moved on from the version loaded here. */
    private void refresh() {
        if (stored.version(AREA) > current.version()) {
            try {
                reload();
            } catch (IOException e) {
                log.error("TP-TEMPLATE-002 Reloading the templates failed, the loaded ones stay", e);
            }
        }
    }

    /** Whether a template of this name exists in any locale (loaded, not refused): what a journey step may name. */
    public boolean exists(String name) {
        return current.templates().values().stream().anyMatch(template -> template.name().equals(name));
    }

    /**
     * The template for a customer's locale: exact ("de-AT"), then the language ("de"), then the default locale.
     * Throws {@link TemplateException} when there is none or it was refused.
     */
    public MessageTemplate find(String name, String customerLocale) {
        Loaded running = current;
        for (String locale : candidates(customerLocale)) {
            MessageTemplate template = running.templates().get(key(name, locale));
            if (template != null) {
                return template;
            }
            String problem = running.refused().get(key(name, locale));
            if (problem != null) {
                throw new TemplateException("template '" + name + "' (" + locale + ") was refused: " + problem);
            }
        }
        throw new TemplateException("no template '" + name + "' for locale " + candidates(customerLocale) + " in " + location);
    }

    /**
     * Renders a template for a customer with the journey's variables and the message's links; {@code channel}, when
     * given, must be the template's channel.
     */
    public RenderedMessage render(String name, Channel channel, CustomerProfile profile, Map<String, Object> variables) {
        return render(name, channel, profile, profile.locale(), variables);
    }

    /** As {@link #render(String, Channel, CustomerProfile, Map)}, in the given locale instead of the customer's. */
    public RenderedMessage render(String name, Channel channel, CustomerProfile profile, String locale, Map<String, Object> variables) {
        MessageTemplate template = find(name, locale);
        if (channel != null && template.channel() != channel) {
            throw new TemplateException("template '" + name + "' is for " + template.channel().id() + ", not " + channel.id());
        }
        Map<String, Object> all = new LinkedHashMap<>(variables);
        all.put("customer", customerVariables(profile, template));
        return template.render(all);
    }

    /**
     * Validates a template and stores it for every node (this one uses it when this returns); a template that does
     * not parse or render its example throws {@link TemplateException} and the running version stays.
     */
    public MessageTemplate save(String name, String locale, String source, String savedBy) {
        checkNameAndLocale(name, locale);
        MessageTemplate template = MessageTemplate.parse(name, locale, source);
        stored.change(AREA, template.file(), source.getBytes(StandardCharsets.UTF_8), savedBy, proposed -> proposed, this::apply);
        return template;
    }

    /** Removes a template for every node; false when there is none of this name and locale. */
    public boolean delete(String name, String locale, String deletedBy) {
        checkNameAndLocale(name, locale);
        Loaded running = current;
        if (!running.templates().containsKey(key(name, locale)) && !running.refused().containsKey(key(name, locale))) {
            return false;
        }
        stored.change(AREA, name + "." + locale + ".yaml", null, deletedBy, proposed -> proposed, this::apply);
        return true;
    }

    private void apply(StoredFiles.Snapshot changed) {
        try {
            reload();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkNameAndLocale(String name, String locale) {
        if (!NAME.matcher(name).matches()) {
            throw new TemplateException("template name '" + name + "' must be lower-case letters, digits and dashes");
        }
        if (!LOCALE.matcher(locale).matches()) {
            throw new TemplateException("locale '" + locale + "' is not a language tag such as en or de-AT");
        }
    }

    public List<Listing> list() {
        List<Listing> all = new ArrayList<>();
        Loaded running = current;
        running.templates().values().forEach(t -> all.add(new Listing(t.name(), t.locale(), t.channel().id(), t.category(), "loaded", null)));
        running.refused().forEach((key, problem) -> {
            String[] parts = key.split("\\|");
            all.add(new Listing(parts[0], parts[1], null, null, "refused", problem));
        });
        all.sort((a, b) -> (a.name() + a.locale()).compareTo(b.name() + b.locale()));
        return all;
    }

    private Map<String, Object> customerVariables(CustomerProfile profile, MessageTemplate template) {
        Map<String, Object> customer = new LinkedHashMap<>();
        template.customerFields().keySet().forEach(field -> customer.put(field, ""));
        profile.attributes().forEach((field, value) -> {
            if (value != null) {
                customer.put(field, value);
            }
        });
        customer.put("id", profile.customerId());
        customer.put("email", profile.email() != null ? profile.email() : "");
        customer.put("phone", profile.phone() != null ? profile.phone() : "");
        customer.put("locale", profile.locale() != null ? profile.locale() : defaultLocale);
        return customer;
    }

    private List<String> candidates(String customerLocale) {
        List<String> locales = new ArrayList<>();
        if (customerLocale != null && !customerLocale.isBlank()) {
            Locale parsed = Locale.forLanguageTag(customerLocale.replace('_', '-'));
            locales.add(parsed.toLanguageTag());
            if (!parsed.getLanguage().isEmpty() && !locales.contains(parsed.getLanguage())) {
                locales.add(parsed.getLanguage());
            }
        }
        if (!locales.contains(defaultLocale)) {
            locales.add(defaultLocale);
        }
        return locales;
    }

    private static String[] nameAndLocale(String filename) {
        String base = filename.substring(0, filename.length() - ".yaml".length());
        int dot = base.lastIndexOf('.');
        return dot < 0 ? new String[] {base, "?"} : new String[] {base.substring(0, dot), base.substring(dot + 1)};
    }

    private static String key(String name, String locale) {
        return name + "|" + locale;
    }
}
