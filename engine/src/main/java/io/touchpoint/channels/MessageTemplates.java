package io.touchpoint.channels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.CustomerProfile;

/**
 * The message templates in {@code workflows/templates/}: loaded at start, one file per message and locale. A file
 * that does not parse or render its example is refused (listed with the reason) and the others still load; saving
 * a bad template through {@link #save} is refused and the running version stays.
 */
@Component
public class MessageTemplates {

    private static final Logger log = LoggerFactory.getLogger(MessageTemplates.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");
    private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");

    private final ResourcePatternResolver resources;
    private final String location;
    private final String defaultLocale;
    private final Map<String, MessageTemplate> loaded = new ConcurrentHashMap<>();
    private final Map<String, String> refused = new ConcurrentHashMap<>();

    MessageTemplates(ResourcePatternResolver resources, @Value("${touchpoint.folders.workflows}templates/") String location,
                     @Value("${touchpoint.channels.default-locale}") String defaultLocale) {
        this.resources = resources;
        this.location = location;
        this.defaultLocale = defaultLocale;
    }

    /** One template file as listed by the API: loaded, or refused with the reason. */
    public record Listing(String name, String locale, String channel, String category, String status, String problem) {
    }

    @PostConstruct
    void loadAll() throws IOException {
        for (Resource file : resources.getResources(location + "*.yaml")) {
            String filename = file.getFilename();
            String[] nameAndLocale = nameAndLocale(filename);
            String source = file.getContentAsString(StandardCharsets.UTF_8);
            try {
                MessageTemplate template = MessageTemplate.parse(nameAndLocale[0], nameAndLocale[1], source);
                loaded.put(key(template.name(), template.locale()), template);
            } catch (TemplateException e) {
                refused.put(key(nameAndLocale[0], nameAndLocale[1]), e.getMessage());
                log.error("Template refused: {}", e.getMessage());
            }
        }
        log.info("Message templates from {}: {} loaded, {} refused", location, loaded.size(), refused.size());
    }

    /**
     * The template for a customer's locale: exact ("de-AT"), then the language ("de"), then the default locale.
     * Throws {@link TemplateException} when there is none or it was refused.
     */
    public MessageTemplate find(String name, String customerLocale) {
        for (String locale : candidates(customerLocale)) {
            MessageTemplate template = loaded.get(key(name, locale));
            if (template != null) {
                return template;
            }
            String problem = refused.get(key(name, locale));
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

    /** Validates and keeps a template (and writes it to the templates folder when that is a folder on disk). */
    public MessageTemplate save(String name, String locale, String source) {
        if (!NAME.matcher(name).matches()) {
            throw new TemplateException("template name '" + name + "' must be lower-case letters, digits and dashes");
        }
        if (!LOCALE.matcher(locale).matches()) {
            throw new TemplateException("locale '" + locale + "' is not a language tag such as en or de-AT");
        }
        MessageTemplate template = MessageTemplate.parse(name, locale, source);
        if (location.startsWith("file:")) {
            Path file = Path.of(location.substring("file:".length())).resolve(template.file());
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, source, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + file, e);
            }
        }
        loaded.put(key(name, locale), template);
        refused.remove(key(name, locale));
        log.info("Template {} saved", template.file());
        return template;
    }

    public List<Listing> list() {
        List<Listing> all = new ArrayList<>();
        loaded.values().forEach(t -> all.add(new Listing(t.name(), t.locale(), t.channel().id(), t.category(), "loaded", null)));
        refused.forEach((key, problem) -> {
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
