package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.camunda.spin.impl.json.jackson.format.JacksonJsonDataFormat;
import org.camunda.spin.spi.DataFormatConfigurator;
import org.camunda.spin.spi.TypeDetector;

/**
 * Names the JSON variables that hold plain maps and lists by their class ({@code java.util.LinkedHashMap}) instead of
 * Jackson's generic name ({@code java.util.LinkedHashMap<java.lang.Object,java.lang.Object>}). Spin reads a variable
 * by first trying {@code Class.forName} on that name: a generic name is never a class, and in the packaged jar the
 * failed lookup searched every nested jar of the class path, on every read of every such variable (7 % of the CPU of
 * an event that sends an email, flight recording of {@code EmailLatencyBenchmark}). The values read back are the same:
 * JSON objects, arrays, strings, numbers and booleans. Registered for Spin in
 * {@code META-INF/services/org.camunda.spin.spi.DataFormatConfigurator}.
 */
public class PlainJsonTypes implements DataFormatConfigurator<JacksonJsonDataFormat> {

    /** Classes Jackson builds from JSON as they are, with a public constructor. */
    private static final Set<Class<?>> PLAIN = Set.of(HashMap.class, LinkedHashMap.class, TreeMap.class, ArrayList.class, LinkedList.class);

    @Override
    public Class<JacksonJsonDataFormat> getDataFormatClass() {
        return JacksonJsonDataFormat.class;
    }

    @Override
    public void configure(JacksonJsonDataFormat format) {
        format.addTypeDetector(new TypeDetector() {
            @Override
            public boolean canHandle(Object value) {
                return value != null && PLAIN.contains(value.getClass()) && plain(value);
            }

            @Override
            public String detectType(Object value) {
                return value.getClass().getName();
            }
        });
    }

    /** Whether the value holds only what JSON reads back as itself: maps, lists, strings, numbers, booleans, null. */
    static boolean plain(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.keySet().stream().allMatch(key -> key instanceof String) && map.values().stream().allMatch(PlainJsonTypes::plain);
        }
        if (value instanceof List<?> || value instanceof Collection<?>) {
            return ((Collection<?>) value).stream().allMatch(PlainJsonTypes::plain);
        }
        return value == null || value instanceof String || value instanceof Number || value instanceof Boolean;
    }
}
