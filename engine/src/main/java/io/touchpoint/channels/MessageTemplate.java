package io.touchpoint.channels;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import liqp.Template;
import liqp.TemplateContext;
import liqp.TemplateParser;
import liqp.filters.Filter;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One message in one locale, from a file {@code workflows/templates/<name>.<locale>.yaml}: its channel, category,
 * Liquid parts (subject, preheader, title, text, html, body) and an {@code example} of the variables it uses.
 * Parsed in strict mode: a syntax error, or an unknown variable when rendering the example, refuses the template.
 * Rendering is bounded ({@value #MAX_ITERATIONS} loop iterations, {@value #MAX_RENDERED_CHARS} characters,
 * {@value #MAX_RENDER_MILLIS} ms per part): a template over a limit with its example is refused when saved, and a send
 * whose variables take it over fails with the reason instead of hanging.
 */
public final class MessageTemplate {

    /** Limits of one part's rendering: loop iterations, output characters, time; and the size of its source. */
    static final int MAX_ITERATIONS = 20_000;
    static final int MAX_RENDERED_CHARS = 1_000_000;
    static final long MAX_RENDER_MILLIS = 2_000;
    static final long MAX_SOURCE_BYTES = 1_048_576;
    private static final TemplateParser LIQUID = new TemplateParser.Builder()
            .withStrictVariables(true)
            .withErrorMode(TemplateParser.ErrorMode.STRICT)
            .withMaxIterations(MAX_ITERATIONS)
            .withMaxSizeRenderedString(MAX_RENDERED_CHARS)
            .withMaxRenderTimeMillis(MAX_RENDER_MILLIS)
            .withMaxTemplateSizeBytes(MAX_SOURCE_BYTES)
            .withFilter(new Money())
            .build();
    private static final List<String> PARTS = List.of("subject", "preheader", "title", "text", "html", "body");
    /**
     * The threads that render under the time limit, shared: liqp's own way starts a thread pool for every part it
     * renders (thousands of threads for a backtest's messages, one per part of every email sent).
     */
    private static final java.util.concurrent.ExecutorService RENDERERS = java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "template-render");
        thread.setDaemon(true);
        return thread;
    });

    private final String name;
    private final String locale;
    private final Channel channel;
    private final String category;
    private final String source;
    private final Map<String, Template> parts = new LinkedHashMap<>();
    private final Map<String, Object> example;

    private MessageTemplate(String name, String locale, Channel channel, String category, String source,
                            Map<String, Object> example) {
        this.name = name;
        this.locale = locale;
        this.channel = channel;
        this.category = category;
        this.source = source;
        this.example = example;
    }

    /**
     * Reads, compiles and test-renders a template with its example; throws {@link TemplateException} naming the
     * file and the problem (YAML, a missing part, a Liquid syntax error, an unknown variable, an empty result).
     */
    @SuppressWarnings("unchecked")
    public static MessageTemplate parse(String name, String locale, String source) {
        String file = name + "." + locale + ".yaml";
        Map<String, Object> yaml;
        try {
            Object loaded = new Yaml().load(source);
            if (!(loaded instanceof Map)) {
                throw new TemplateException(file + ": not a YAML mapping of template fields");
            }
            yaml = (Map<String, Object>) loaded;
        } catch (YAMLException e) {
            throw new TemplateException(file + ": invalid YAML: " + e.getMessage());
        }
        Channel channel;
        try {
            channel = Channel.of(String.valueOf(yaml.get("channel")));
        } catch (IllegalArgumentException e) {
            throw new TemplateException(file + ": field 'channel': " + e.getMessage());
        }
        String category = String.valueOf(yaml.getOrDefault("category", "marketing"));
        Object example = yaml.getOrDefault("example", Map.of());
        if (!(example instanceof Map)) {
            throw new TemplateException(file + ": field 'example' must be a mapping of variables");
        }
        MessageTemplate template = new MessageTemplate(name, locale, channel, category, source, (Map<String, Object>) example);
        for (String part : PARTS) {
            Object text = yaml.get(part);
            if (text != null) {
                try {
                    template.parts.put(part, LIQUID.parse(String.valueOf(text)));
                } catch (RuntimeException e) {
                    throw new TemplateException(file + ": part '" + part + "' does not parse: " + e.getMessage());
                }
            }
        }
        for (String required : requiredParts(channel)) {
            if (!template.parts.containsKey(required)) {
                throw new TemplateException(file + ": a " + channel.id() + " template needs the part '" + required + "'");
            }
        }
        template.render(template.exampleVariables());
        return template;
    }

    /** The innermost message: a render with a time limit runs on another thread, which wraps the real reason. */
    private static String reason(Throwable problem) {
        String reason = problem.getMessage();
        for (Throwable cause = problem.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                reason = cause.getMessage();
            }
        }
        return reason;
    }

    static List<String> requiredParts(Channel channel) {
        return switch (channel) {
            case EMAIL -> List.of("subject", "text", "html");
            case SMS, WHATSAPP -> List.of("text");
            case PUSH -> List.of("title", "text");
            case WEBHOOK -> List.of("body");
        };
    }

    /** Renders every part; an unknown variable or a required part that comes out empty throws {@link TemplateException}. */
    public RenderedMessage render(Map<String, Object> variables) {
        Map<String, String> out = new HashMap<>();
        parts.forEach((part, liquid) -> {
            try {
                out.put(part, liquid.render(variables, RENDERERS, false).strip());
            } catch (RuntimeException e) {
                throw new TemplateException(file() + ": part '" + part + "' does not render: " + reason(e));
            }
        });
        for (String required : requiredParts(channel)) {
            if (out.get(required).isBlank()) {
                throw new TemplateException(file() + ": part '" + required + "' renders empty");
            }
        }
        return new RenderedMessage(name, locale, out.get("subject"), out.get("preheader"), out.get("title"),
                out.get("text"), out.get("html"), out.get("body"));
    }

    /**
     * The customer-level fields the example declares, so that a customer without one of them renders an empty
     * value (use {@code | default: "..."}) rather than an unknown-variable failure.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> customerFields() {
        return example.get("customer") instanceof Map<?, ?> fields ? (Map<String, Object>) fields : Map.of();
    }

    Map<String, Object> exampleVariables() {
        Map<String, Object> variables = new LinkedHashMap<>(example);
        variables.putIfAbsent("unsubscribe_url", "https://touchpoint.example/m/u/example");
        Map<String, Object> customer = new LinkedHashMap<>(Map.of("id", "c-example", "email", "ada@example.com",
                "phone", "+4915112345678", "locale", locale));
        customer.putAll(customerFields());
        variables.put("customer", customer);
        return variables;
    }

    public String name() {
        return name;
    }

    public String locale() {
        return locale;
    }

    public Channel channel() {
        return channel;
    }

    public String category() {
        return category;
    }

    public String source() {
        return source;
    }

    public List<String> partNames() {
        return new ArrayList<>(parts.keySet());
    }

    String file() {
        return name + "." + locale + ".yaml";
    }

    /** Liquid filter {@code money}: a number (or numeric text) with two decimals, {@code 129} → {@code 129.00}; anything else as it is. */
    static final class Money extends Filter {
        Money() {
            super("money");
        }

        @Override
        public Object apply(Object value, TemplateContext context, Object... params) {
            try {
                return value == null ? "" : new BigDecimal(value.toString().trim()).setScale(2, RoundingMode.HALF_UP).toPlainString();
            } catch (NumberFormatException notANumber) {
                return value;
            }
        }
    }
}
