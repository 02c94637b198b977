package io.touchpoint.segments;

import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a segment definition (JSON) into a {@link Segment}, or refuses it with a {@link SegmentException} that names
 * the condition at fault by its path ({@code condition.all[1].where[0]}) and says what is wrong.
 *
 * <pre>
 * {"name": "Big spenders", "description": "...",
 *  "condition": {"all": [
 *     {"attribute": "country", "eq": "DE"},
 *     {"trait": "lifetimeValue", "gt": 500},
 *     {"consent": "email", "purpose": "marketing"},
 *     {"identity": "email"},
 *     {"event": "order_placed", "where": [{"property": "total", "gt": 100}], "atLeast": 2, "within": "P90D"},
 *     {"not": {"segment": "churned"}},
 *     {"any": [...]}]}}
 * </pre>
 */
final class SegmentParser {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");
    private static final Set<String> KINDS = Set.of("all", "any", "not", "segment", "attribute", "trait", "consent", "identity", "event");
    private static final int MAX_COUNT = 1000;
    private static final int MAX_DEPTH = 20;

    private final ObjectMapper json;

    SegmentParser(ObjectMapper json) {
        this.json = json;
    }

    Segment parse(String id, byte[] source) {
        if (!ID.matcher(id).matches()) {
            throw new SegmentException(id, "id", "must be lower-case letters, digits and '-' (at most 100), starting with a letter or digit");
        }
        JsonNode root;
        try {
            root = json.readTree(source);
        } catch (java.io.IOException e) {
            String message = e instanceof JsonProcessingException parsing ? parsing.getOriginalMessage() : e.getMessage();
            throw new SegmentException(id, "definition", "is not JSON: " + message);
        }
        if (root == null || !root.isObject()) {
            throw new SegmentException(id, "definition", "must be a JSON object with 'name' and 'condition'");
        }
        for (Iterator<String> fields = root.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!Set.of("name", "description", "condition").contains(field)) {
                throw new SegmentException(id, field, "is not a field of a segment (name, description, condition)");
            }
        }
        JsonNode condition = root.get("condition");
        if (condition == null) {
            throw new SegmentException(id, "condition", "is required");
        }
        return new Segment(id, text(root, "name", id), text(root, "description", null), new Reader(id).condition(condition, "condition", 0));
    }

    /** A condition alone (a preview), named as {@code condition}. */
    Condition condition(JsonNode condition) {
        if (condition == null || condition.isNull()) {
            throw new SegmentException("preview", "condition", "is required");
        }
        return new Reader("preview").condition(condition, "condition", 0);
    }

    private static String text(JsonNode root, String field, String otherwise) {
        JsonNode value = root.get(field);
        return value == null || value.isNull() ? otherwise : value.asText();
    }

    /** Reads the conditions of one segment, naming it in what it refuses. */
    private record Reader(String segmentId) {

        Condition condition(JsonNode node, String path, int depth) {
            if (depth > MAX_DEPTH) {
                throw refused(path, "nests conditions deeper than " + MAX_DEPTH);
            }
            if (node == null || !node.isObject()) {
                throw refused(path, "must be an object such as {\"attribute\": \"country\", \"eq\": \"DE\"}");
            }
            List<String> kinds = new ArrayList<>();
            node.fieldNames().forEachRemaining(field -> {
                if (KINDS.contains(field)) {
                    kinds.add(field);
                }
            });
            if (kinds.size() != 1) {
                throw refused(path, kinds.isEmpty() ? "names no condition (one of " + String.join(", ", sorted(KINDS)) + ")"
                        : "combines " + String.join(" and ", kinds) + "; use one per object and 'all'/'any' to combine them");
            }
            String kind = kinds.get(0);
            return switch (kind) {
                case "all", "any" -> {
                    JsonNode list = node.get(kind);
                    if (!list.isArray() || list.isEmpty()) {
                        throw refused(path, "'" + kind + "' must be a non-empty list of conditions");
                    }
                    only(node, path, kind);
                    List<Condition> conditions = new ArrayList<>();
                    for (int i = 0; i < list.size(); i++) {
                        conditions.add(condition(list.get(i), path + "." + kind + "[" + i + "]", depth + 1));
                    }
                    yield new Condition.Combination(kind.equals("all"), List.copyOf(conditions));
                }
                case "not" -> {
                    only(node, path, "not");
                    yield new Condition.Not(condition(node.get("not"), path + ".not", depth + 1));
                }
                case "segment" -> {
                    only(node, path, "segment");
                    String id = node.get("segment").asText();
                    if (!ID.matcher(id).matches()) {
                        throw refused(path, "names segment '" + id + "', which is no segment id");
                    }
                    yield new Condition.InSegment(id);
                }
                case "consent" -> {
                    only(node, path, "consent", "purpose");
                    JsonNode purpose = node.get("purpose");
                    yield new Condition.Consent(node.get("consent").asText(), purpose == null ? "marketing" : purpose.asText());
                }
                case "identity" -> {
                    only(node, path, "identity");
                    yield new Condition.HasIdentity(node.get("identity").asText());
                }
                case "attribute" -> compare(node, path, Condition.Subject.ATTRIBUTE, "attribute");
                case "trait" -> {
                    String trait = node.get("trait").asText();
                    if (!Condition.TRAITS.contains(trait)) {
                        throw refused(path, "names trait '" + trait + "'; the traits are " + String.join(", ", sorted(Condition.TRAITS)));
                    }
                    yield compare(node, path, Condition.Subject.TRAIT, "trait");
                }
                case "event" -> event(node, path);
                default -> throw new IllegalStateException(kind);
            };
        }

        private Condition.EventCount event(JsonNode node, String path) {
            only(node, path, "event", "where", "within", "atLeast", "atMost");
            String type = node.get("event").asText();
            if (type.isBlank()) {
                throw refused(path, "'event' must name an event type");
            }
            JsonNode within = node.get("within");
            if (within == null || !isDuration(within.asText())) {
                throw refused(path, "'within' must be an ISO-8601 duration such as P90D or PT12H");
            }
            Integer atLeast = count(node, path, "atLeast", 1);
            Integer atMost = count(node, path, "atMost", 0);
            if (atLeast == null && atMost == null) {
                throw refused(path, "needs 'atLeast' or 'atMost' (how many events in the window)");
            }
            List<Condition.Compare> where = new ArrayList<>();
            JsonNode filters = node.get("where");
            if (filters != null) {
                if (!filters.isArray()) {
                    throw refused(path, "'where' must be a list of property conditions such as {\"property\": \"total\", \"gt\": 100}");
                }
                for (int i = 0; i < filters.size(); i++) {
                    String at = path + ".where[" + i + "]";
                    JsonNode filter = filters.get(i);
                    if (!filter.isObject() || !filter.has("property")) {
                        throw refused(at, "must be a property condition such as {\"property\": \"total\", \"gt\": 100}");
                    }
                    where.add(compare(filter, at, Condition.Subject.PROPERTY, "property"));
                }
            }
            return new Condition.EventCount(type, List.copyOf(where), filters == null ? "[]" : filters.toString(), within.asText(), atLeast, atMost);
        }

        private Integer count(JsonNode node, String path, String field, int least) {
            JsonNode value = node.get(field);
            if (value == null) {
                return null;
            }
            if (!value.isInt() || value.asInt() < least || value.asInt() > MAX_COUNT) {
                throw refused(path, "'" + field + "' must be a whole number from " + least + " to " + MAX_COUNT);
            }
            return value.asInt();
        }

        private Condition.Compare compare(JsonNode node, String path, Condition.Subject subject, String nameField) {
            String name = node.get(nameField).asText();
            if (name.isBlank()) {
                throw refused(path, "'" + nameField + "' must name one");
            }
            List<Condition.Operator> operators = new ArrayList<>();
            for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (field.equals(nameField)) {
                    continue;
                }
                Condition.Operator operator = operator(field);
                if (operator == null) {
                    throw refused(path, "has unknown operator '" + field + "' (one of " + operatorKeys() + ")");
                }
                operators.add(operator);
            }
            if (operators.size() != 1) {
                throw refused(path, "needs exactly one operator (one of " + operatorKeys() + ")");
            }
            Condition.Operator operator = operators.get(0);
            JsonNode value = node.get(operator.key);
            Object expected = switch (operator) {
                case EXISTS -> {
                    if (!value.isBoolean()) {
                        throw refused(path, "'exists' must be true or false");
                    }
                    yield value.asBoolean();
                }
                case IN -> {
                    if (!value.isArray() || value.isEmpty()) {
                        throw refused(path, "'in' must be a non-empty list of values");
                    }
                    List<Object> values = new ArrayList<>();
                    value.forEach(element -> values.add(scalar(element, path, "in")));
                    yield List.copyOf(values);
                }
                case OLDER_THAN, NEWER_THAN -> {
                    if (!isDuration(value.asText())) {
                        throw refused(path, "'" + operator.key + "' must be an ISO-8601 duration such as P60D or PT12H");
                    }
                    yield value.asText();
                }
                case GT, GTE, LT, LTE -> {
                    if (!value.isNumber() && !value.isTextual()) {
                        throw refused(path, "'" + operator.key + "' must be a number, or a date as ISO-8601 text");
                    }
                    yield scalar(value, path, operator.key);
                }
                default -> scalar(value, path, operator.key);
            };
            return new Condition.Compare(subject, name, operator, expected);
        }

        private Object scalar(JsonNode value, String path, String operator) {
            if (value.isNumber()) {
                return value.decimalValue();
            }
            if (value.isTextual() || value.isBoolean()) {
                return value.isBoolean() ? value.asBoolean() : value.asText();
            }
            throw refused(path, "'" + operator + "' must be a string, number or boolean");
        }

        private void only(JsonNode node, String path, String... allowed) {
            Set<String> fields = Set.of(allowed);
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!fields.contains(name)) {
                    throw refused(path, "has field '" + name + "', which a '" + allowed[0] + "' condition does not take (it takes "
                            + String.join(", ", allowed) + ")");
                }
            }
        }

        private SegmentException refused(String path, String problem) {
            return new SegmentException(segmentId, path, problem);
        }
    }

    private static Condition.Operator operator(String key) {
        for (Condition.Operator operator : Condition.Operator.values()) {
            if (operator.key.equals(key)) {
                return operator;
            }
        }
        return null;
    }

    private static String operatorKeys() {
        return String.join(", ", java.util.Arrays.stream(Condition.Operator.values()).map(operator -> operator.key).toList());
    }

    private static boolean isDuration(String text) {
        try {
            if (text.contains("T")) {
                return !Duration.parse(text).isNegative() && !Duration.parse(text).isZero();
            }
            Period period = Period.parse(text);
            return !period.isNegative() && !period.isZero();
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}
