package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camunda.spin.DataFormats;
import org.camunda.spin.impl.json.jackson.format.JacksonJsonDataFormat;
import org.junit.jupiter.api.Test;

/**
 * Plain maps and lists get their class as type name, so that Spin finds the class by name when it reads them back
 * (a generic name is never a class: the failed lookup searched the whole class path on every read); anything else
 * keeps Spin's own name.
 */
class PlainJsonTypesTest {

    final JacksonJsonDataFormat json = (JacksonJsonDataFormat) DataFormats.json();

    record Offer(String code) {
    }

    @Test
    void plainMapsAndListsAreNamedByTheirClassAndReadBackEqual() throws Exception {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", "cart_abandoned");
        event.put("properties", Map.of("total", 129.5, "items", List.of(Map.of("sku", "D-1", "quantity", 1)), "gift", true));
        event.put("missing", null);
        String type = json.getCanonicalTypeName(event);
        assertThat(type).isEqualTo("java.util.LinkedHashMap");
        assertThat(Class.forName(type)).isEqualTo(LinkedHashMap.class);
        Object back = json.getMapper().mapInternalToJava(json.getMapper().mapJavaToInternal(event), type);
        assertThat(back).isEqualTo(event);
        assertThat(json.getCanonicalTypeName(new ArrayList<>(List.of("a", "b")))).isEqualTo("java.util.ArrayList");
        assertThat(json.getCanonicalTypeName(new HashMap<>(Map.of("n", 1)))).isEqualTo("java.util.HashMap");
    }

    @Test
    void whatJsonWouldNotGiveBackAsItIsKeepsSpinsName() {
        assertThat(json.getCanonicalTypeName(new ArrayList<>(List.of(new Offer("A"))))).isEqualTo("java.util.ArrayList<" + Offer.class.getName() + ">");
        assertThat(json.getCanonicalTypeName(new LinkedHashMap<>(Map.of("offer", new Offer("A"))))).contains("<");
        assertThat(json.getCanonicalTypeName(new Offer("A"))).isEqualTo(Offer.class.getName());
    }
}
