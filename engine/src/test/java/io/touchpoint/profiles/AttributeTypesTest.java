package io.touchpoint.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Attribute type checks: declared types, dates normalised, shapes no attribute can have. */
class AttributeTypesTest {

    private final AttributeTypes types = new AttributeTypes();

    AttributeTypesTest() {
        types.setAttributeTypes(Map.of("birthday", AttributeTypes.Type.DATE, "score", AttributeTypes.Type.NUMBER, "tags", AttributeTypes.Type.LIST));
    }

    @Test
    void valuesOfTheDeclaredTypePassAndDatesAreNormalised() {
        Map<String, Object> values = new HashMap<>(Map.of("birthday", "1990-05-01", "score", 7, "tags", List.of("a"), "nickname", "Jo"));
        values.put("gone", null);

        assertThat(types.check(values, "attributes.")).containsEntry("birthday", "1990-05-01").containsEntry("score", 7)
                .containsEntry("gone", null).containsEntry("nickname", "Jo");
        assertThat(types.check(Map.of("birthday", "2026-11-22T10:00:00+01:00"), "attributes.")).containsEntry("birthday", "2026-11-22T09:00:00Z");
    }

    @Test
    void aValueOfAnotherTypeIsRefusedNamingTheAttribute() {
        assertThatThrownBy(() -> types.check(Map.of("score", "high"), "attributes."))
                .hasMessage("field 'attributes.score' must be a number");
        assertThatThrownBy(() -> types.check(Map.of("birthday", "soon"), "properties.traits."))
                .hasMessageContaining("'properties.traits.birthday' must be a date");
    }

    @Test
    void anObjectOrAListOfObjectsIsNoAttributeValue() {
        assertThatThrownBy(() -> types.check(Map.of("address", Map.of("city", "Oslo")), "attributes."))
                .hasMessage("field 'attributes.address' must be a string, number, boolean, date or list");
        assertThatThrownBy(() -> types.check(Map.of("tags", List.of(Map.of())), "attributes."))
                .hasMessageContaining("'attributes.tags' must be a list of strings, numbers or booleans");
    }
}
