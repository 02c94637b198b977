package io.touchpoint.profiles;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The declared type of each profile attribute ({@code touchpoint.profiles.attribute-types}). A declared
 * attribute takes only values of its type; any other attribute takes a string, number, boolean or list.
 */
@Component
@ConfigurationProperties(prefix = "touchpoint.profiles")
public class AttributeTypes {

    /** The types an attribute can have; dates are kept as ISO-8601 text ("1990-05-01" or an instant). */
    public enum Type { STRING, NUMBER, BOOLEAN, DATE, LIST }

    private Map<String, Type> attributeTypes = new HashMap<>();

    public Map<String, Type> getAttributeTypes() {
        return attributeTypes;
    }

    public void setAttributeTypes(Map<String, Type> attributeTypes) {
        this.attributeTypes = attributeTypes;
    }

    /**
     * The attributes with dates normalised, or an {@link ProfileUpdate.InvalidProfileUpdateException} naming
     * the first attribute (as {@code prefix + name}) whose value has the wrong type. A null value removes it.
     */
    Map<String, Object> check(Map<String, Object> attributes, String prefix) {
        if (attributes == null) {
            return null;
        }
        Map<String, Object> checked = new LinkedHashMap<>();
        attributes.forEach((name, value) -> checked.put(name, value == null ? null : check(prefix + name, attributeTypes.get(name), value)));
        return checked;
    }

    private static Object check(String field, Type declared, Object value) {
        if (declared == null) {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                return value;
            }
            if (value instanceof List<?> list) {
                return checkedList(field, list);
            }
            throw wrong(field, "a string, number, boolean, date or list");
        }
        return switch (declared) {
            case STRING -> expect(field, value, value instanceof String, "a string");
            case NUMBER -> expect(field, value, value instanceof Number, "a number");
            case BOOLEAN -> expect(field, value, value instanceof Boolean, "true or false");
            case DATE -> date(field, value);
            case LIST -> value instanceof List<?> list ? checkedList(field, list) : throwWrong(field, "a list");
        };
    }

    private static Object expect(String field, Object value, boolean matches, String type) {
        return matches ? value : throwWrong(field, type);
    }

    private static String date(String field, Object value) {
        if (value instanceof String text) {
            try {
                return LocalDate.parse(text.trim()).toString();
            } catch (DateTimeParseException notADay) {
                try {
                    return OffsetDateTime.parse(text.trim()).toInstant().toString();
                } catch (DateTimeParseException notAnInstant) {
                    // falls through to the error
                }
            }
        }
        throw wrong(field, "a date (yyyy-mm-dd or an ISO-8601 date-time)");
    }

    private static List<?> checkedList(String field, List<?> list) {
        for (Object element : list) {
            if (!(element instanceof String || element instanceof Number || element instanceof Boolean)) {
                throw wrong(field, "a list of strings, numbers or booleans");
            }
        }
        return List.copyOf(list);
    }

    private static Object throwWrong(String field, String type) {
        throw wrong(field, type);
    }

    private static ProfileUpdate.InvalidProfileUpdateException wrong(String field, String type) {
        return new ProfileUpdate.InvalidProfileUpdateException(field, "must be " + type);
    }

}
