package io.touchpoint.journeys;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A journey scenario (README "Testing a journey before it goes live"): one customer, a timed list of events, and the
 * messages the journey is expected to send and where it is expected to end. Times are {@code day N HH:MM} in the
 * customer's time zone, day 0 being the scenario's {@code start} date. {@link #parse} reads a scenario file
 * ({@code workflows/tests/*.yaml}: a journey key and a list of scenarios) and names the bad field when it refuses one;
 * {@link #differences} compares what a run did with what the scenario expects, line by line.
 */
public record JourneyScenario(String file, String journey, String name, Customer customer, LocalDate start,
                              List<TimedEvent> events, List<ExpectedMessage> messages, String end, String waitingAt,
                              Duration runFor) {

    /**
     * The scenario's customer: time zone, identities, traits and consents, as a profile_updated event would set them,
     * and the variant each A/B split of the journey should put them in (split step id → variant or "holdout").
     */
    public record Customer(ZoneId timeZone, String email, String phone, Map<String, Object> traits, Map<String, Object> consents,
                           Map<String, String> variants) {
    }

    /** An event at a scenario time. */
    public record TimedEvent(Time at, String type, Map<String, Object> properties) {
    }

    /** A message the journey should send; {@code at} and {@code contains} may be left out. */
    public record ExpectedMessage(Time at, String channel, String template, String contains) {
    }

    /** A message the journey sent: at which scenario time, on which channel, with which template and content. */
    public record SentMessage(Time at, String step, String channel, String template, String content) {
        @Override
        public String toString() {
            return at + " " + channel + " " + template + " (" + step + ")";
        }
    }

    /** {@code day N HH:MM}: N days after the scenario's start date, at that local time. */
    public record Time(int day, LocalTime time) implements Comparable<Time> {
        private static final Pattern FORMAT = Pattern.compile("day\\s+(\\d{1,4})\\s+(\\d{1,2}:\\d{2})");

        static Time parse(String text, String field) {
            Matcher matcher = FORMAT.matcher(text.trim());
            if (!matcher.matches()) {
                throw new IllegalArgumentException(field + ": '" + text + "' is not a scenario time like 'day 0 10:00'");
            }
            try {
                return new Time(Integer.parseInt(matcher.group(1)), LocalTime.parse(matcher.group(2).length() == 4 ? "0" + matcher.group(2) : matcher.group(2)));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(field + ": '" + text + "' has no valid time of day");
            }
        }

        /** The scenario time of an instant (to the minute, rounded down). */
        public static Time of(Instant instant, LocalDate start, ZoneId zone) {
            LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
            return new Time((int) ChronoUnit.DAYS.between(start, local.toLocalDate()), local.toLocalTime().truncatedTo(ChronoUnit.MINUTES));
        }

        public Instant instant(LocalDate start, ZoneId zone) {
            return start.plusDays(day).atTime(time).atZone(zone).toInstant();
        }

        @Override
        public int compareTo(Time other) {
            return day != other.day ? Integer.compare(day, other.day) : time.compareTo(other.time);
        }

        @Override
        public String toString() {
            return "day " + day + " " + time;
        }
    }

    static final LocalDate DEFAULT_START = LocalDate.of(2026, 3, 2);
    static final Duration DEFAULT_RUN_FOR = Duration.ofDays(120);
    private static final Set<String> CHANNELS = Set.of("email", "sms", "push", "webhook");

    /** The instant of the first moment of the scenario, day 0 00:00 local. */
    public Instant startInstant() {
        return start.atStartOfDay(customer.timeZone()).toInstant();
    }

    /** The last moment the scenario runs to: {@code runFor} after its last event. */
    public Instant endInstant() {
        Time last = events.get(events.size() - 1).at();
        return last.instant(start, customer.timeZone()).plus(runFor);
    }

    /**
     * The differences between this scenario's expectations and what the run did, as sentences; empty when it passed.
     *
     * @param sent    the journey's messages to the customer, in the order they went out
     * @param ends    the end events the customer's runs of the journey ended at (one per ended run); with {@code end}
     *                alone every run must have ended there, with {@code end} and {@code waitingAt} the ended ones
     *                (a customer who entered again has a run of each)
     * @param waiting the steps the customer's running runs wait at
     */
    public List<String> differences(List<SentMessage> sent, List<String> ends, List<String> waiting) {
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.max(messages.size(), sent.size()); i++) {
            if (i >= sent.size()) {
                differences.add("message " + (i + 1) + ": expected " + describe(messages.get(i)) + ", but nothing more was sent");
                continue;
            }
            SentMessage actual = sent.get(i);
            if (i >= messages.size()) {
                differences.add("message " + (i + 1) + ": not expected, but sent " + actual);
                continue;
            }
            ExpectedMessage expected = messages.get(i);
            List<String> wrong = new ArrayList<>();
            if (!expected.channel().equals(actual.channel())) {
                wrong.add("channel " + actual.channel());
            }
            if (!expected.template().equals(actual.template())) {
                wrong.add("template " + actual.template());
            }
            if (expected.at() != null && !expected.at().equals(actual.at())) {
                wrong.add("at " + actual.at());
            }
            if (expected.contains() != null && (actual.content() == null || !actual.content().contains(expected.contains()))) {
                wrong.add("content without '" + expected.contains() + "'" + (actual.content() == null ? "" : ": " + abbreviated(actual.content())));
            }
            if (!wrong.isEmpty()) {
                differences.add("message " + (i + 1) + ": expected " + describe(expected) + ", but sent " + actual + " with " + String.join(", ", wrong));
            }
        }
        String happened = ends.isEmpty() && waiting.isEmpty() ? "the journey never started"
                : (ends.isEmpty() ? "" : "it ended at " + String.join(", ", ends)) + (ends.isEmpty() || waiting.isEmpty() ? "" : " and ")
                + (waiting.isEmpty() ? "" : "it waits at " + String.join(", ", waiting));
        if (end != null && (ends.isEmpty() || (waitingAt == null && !waiting.isEmpty()) || ends.stream().anyMatch(e -> !e.equals(end)))) {
            differences.add("end: expected the journey to end at " + end + ", but " + happened);
        }
        if (waitingAt != null && !waiting.contains(waitingAt)) {
            differences.add("waitingAt: expected the journey to wait at " + waitingAt + ", but " + happened);
        }
        return differences;
    }

    private static String describe(ExpectedMessage message) {
        return (message.at() == null ? "" : message.at() + " ") + message.channel() + " " + message.template()
                + (message.contains() == null ? "" : " containing '" + message.contains() + "'");
    }

    private static String abbreviated(String content) {
        String flat = content.replaceAll("\\s+", " ").trim();
        return "'" + (flat.length() > 160 ? flat.substring(0, 157) + "..." : flat) + "'";
    }

    /** The scenarios of one file: {@code journey: <process key>} and {@code scenarios: [...]}. */
    public static List<JourneyScenario> parse(String file, String yaml) {
        Object loaded;
        try {
            loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage());
        }
        Map<String, Object> root = map(loaded, file);
        known(root, file, "journey", "scenarios");
        String journey = text(root, "journey", file, true);
        Object list = root.get("scenarios");
        if (!(list instanceof List<?> items) || items.isEmpty()) {
            throw new IllegalArgumentException(file + ": 'scenarios' must be a list of at least one scenario");
        }
        List<JourneyScenario> scenarios = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            scenarios.add(scenario(file, journey, map(items.get(i), file + " scenarios[" + i + "]"), "scenarios[" + i + "]"));
        }
        return scenarios;
    }

    private static JourneyScenario scenario(String file, String journey, Map<String, Object> fields, String path) {
        String at = file + " " + path;
        known(fields, at, "name", "customer", "start", "events", "expect", "runFor");
        String name = text(fields, "name", at, true);
        Customer customer = customer(fields.containsKey("customer") ? map(fields.get("customer"), at + ".customer") : Map.of(), at + ".customer");
        LocalDate start = DEFAULT_START;
        if (fields.get("start") instanceof java.util.Date date) { // YAML reads 2026-03-02 as a timestamp
            start = LocalDate.ofInstant(date.toInstant(), java.time.ZoneOffset.UTC);
        } else if (fields.get("start") != null) {
            try {
                start = LocalDate.parse(String.valueOf(fields.get("start")));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(at + ".start: '" + fields.get("start") + "' is not a date like 2026-03-02");
            }
        }
        Duration runFor = DEFAULT_RUN_FOR;
        if (fields.get("runFor") != null) {
            try {
                runFor = Duration.parse(String.valueOf(fields.get("runFor")));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(at + ".runFor: '" + fields.get("runFor") + "' is not an ISO-8601 duration like P30D");
            }
        }
        if (!(fields.get("events") instanceof List<?> rawEvents) || rawEvents.isEmpty()) {
            throw new IllegalArgumentException(at + ".events: must be a list of at least one event");
        }
        List<TimedEvent> events = new ArrayList<>();
        for (int i = 0; i < rawEvents.size(); i++) {
            String eventPath = at + ".events[" + i + "]";
            Map<String, Object> event = map(rawEvents.get(i), eventPath);
            known(event, eventPath, "at", "type", "properties");
            Time time = Time.parse(text(event, "at", eventPath, true), eventPath + ".at");
            if (!events.isEmpty() && time.compareTo(events.get(events.size() - 1).at()) < 0) {
                throw new IllegalArgumentException(eventPath + ".at: " + time + " is before the event above it; list events in time order");
            }
            events.add(new TimedEvent(time, text(event, "type", eventPath, true),
                    event.get("properties") == null ? Map.of() : map(event.get("properties"), eventPath + ".properties")));
        }
        Map<String, Object> expect = map(fields.get("expect"), at + ".expect");
        known(expect, at + ".expect", "messages", "end", "waitingAt");
        List<ExpectedMessage> messages = new ArrayList<>();
        if (expect.get("messages") != null) {
            if (!(expect.get("messages") instanceof List<?> rawMessages)) {
                throw new IllegalArgumentException(at + ".expect.messages: must be a list (empty when nothing is sent)");
            }
            for (int i = 0; i < rawMessages.size(); i++) {
                String messagePath = at + ".expect.messages[" + i + "]";
                Map<String, Object> message = map(rawMessages.get(i), messagePath);
                known(message, messagePath, "at", "channel", "template", "contains");
                String channel = text(message, "channel", messagePath, true);
                if (!CHANNELS.contains(channel)) {
                    throw new IllegalArgumentException(messagePath + ".channel: '" + channel + "' is not one of " + CHANNELS);
                }
                String time = text(message, "at", messagePath, false);
                messages.add(new ExpectedMessage(time == null ? null : Time.parse(time, messagePath + ".at"), channel,
                        text(message, "template", messagePath, true), text(message, "contains", messagePath, false)));
            }
        }
        String end = text(expect, "end", at + ".expect", false);
        String waitingAt = text(expect, "waitingAt", at + ".expect", false);
        if (end == null && waitingAt == null) {
            throw new IllegalArgumentException(at + ".expect: name 'end' (the end event the journey ends at), 'waitingAt' (the step it waits at) or both");
        }
        return new JourneyScenario(file, journey, name, customer, start, List.copyOf(events), List.copyOf(messages), end, waitingAt, runFor);
    }

    private static Customer customer(Map<String, Object> fields, String at) {
        known(fields, at, "timeZone", "email", "phone", "traits", "consents", "variants");
        ZoneId zone;
        try {
            zone = ZoneId.of(Objects.requireNonNullElse(text(fields, "timeZone", at, false), "UTC"));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(at + ".timeZone: '" + fields.get("timeZone") + "' is not a time zone like Europe/Berlin");
        }
        if (fields.get("phone") instanceof Number) {
            throw new IllegalArgumentException(at + ".phone: put the number in quotes (\"+4915112345678\"), YAML reads it as a number");
        }
        return new Customer(zone, text(fields, "email", at, false), text(fields, "phone", at, false),
                fields.get("traits") == null ? Map.of() : map(fields.get("traits"), at + ".traits"),
                fields.get("consents") == null ? Map.of() : map(fields.get("consents"), at + ".consents"),
                fields.get("variants") == null ? Map.of() : map(fields.get("variants"), at + ".variants").entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue()))));
    }

    /**
     * A customer id starting with {@code prefix} that the journey's A/B splits put in the variants the scenario asks
     * for ({@link JourneySplits#variantOf}, the same assignment the engine makes); the prefix itself when it asks none.
     */
    public String customerId(String prefix, BpmnModelInstance model) {
        Map<String, Map<String, Integer>> weights = new LinkedHashMap<>();
        Map<String, Integer> holdouts = new LinkedHashMap<>();
        customer.variants().forEach((split, variant) -> {
            ModelElementInstance element = model.getModelElementById(split);
            Map<String, String> properties = element == null ? Map.of() : model.getModelElementsByType(CamundaProperty.class).stream()
                    .filter(property -> property.getParentElement() != null && property.getParentElement().getParentElement() != null
                            && property.getParentElement().getParentElement().getParentElement() == element)
                    .collect(java.util.stream.Collectors.toMap(CamundaProperty::getCamundaName, CamundaProperty::getCamundaValue, (a, b) -> b));
            if (!properties.containsKey("variants")) {
                throw new IllegalArgumentException(file + " '" + name + "' customer.variants." + split + ": the journey has no A/B split step with that id");
            }
            Map<String, Integer> parsed = JourneySplits.parse(properties.get("variants"));
            if (!parsed.containsKey(variant) && !variant.equals(BlockSettings.HOLDOUT)) {
                throw new IllegalArgumentException(file + " '" + name + "' customer.variants." + split + ": '" + variant
                        + "' is not one of " + parsed.keySet() + " or " + BlockSettings.HOLDOUT);
            }
            weights.put(split, parsed);
            holdouts.put(split, Integer.parseInt(properties.getOrDefault("holdout", "0").trim()));
        });
        for (int i = 0; i < 10_000; i++) {
            String candidate = customer.variants().isEmpty() ? prefix : prefix + "-" + i;
            if (customer.variants().entrySet().stream().allMatch(wanted -> JourneySplits.variantOf(candidate, journey,
                    weights.get(wanted.getKey()), holdouts.get(wanted.getKey())).equals(wanted.getValue()))) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(file + " '" + name + "' customer.variants: no customer id falls in " + customer.variants());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String at) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(at + ": must be a mapping of fields");
        }
        return new LinkedHashMap<>((Map<String, Object>) map);
    }

    private static String text(Map<String, Object> fields, String name, String at, boolean required) {
        Object value = fields.get(name);
        if (value == null || String.valueOf(value).isBlank()) {
            if (required) {
                throw new IllegalArgumentException(at + "." + name + ": missing");
            }
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            throw new IllegalArgumentException(at + "." + name + ": must be a single value");
        }
        return String.valueOf(value);
    }

    private static void known(Map<String, Object> fields, String at, String... names) {
        for (String field : fields.keySet()) {
            if (!List.of(names).contains(field)) {
                throw new IllegalArgumentException(at + "." + field + ": unknown field; expected one of " + List.of(names));
            }
        }
    }
}
