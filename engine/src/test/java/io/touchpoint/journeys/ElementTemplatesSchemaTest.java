package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every template in workflows/element-templates/ is valid against the official element-templates JSON schema
 * (vendored from the npm package @camunda/element-templates-json-schema; no network).
 */
class ElementTemplatesSchemaTest {

    private static final Path TEMPLATES = Path.of("../workflows/element-templates");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> templates() throws IOException {
        return Files.list(TEMPLATES).filter(p -> p.toString().endsWith(".json")).sorted();
    }

    @ParameterizedTest
    @MethodSource("templates")
    void templateIsValidAgainstTheOfficialSchema(Path template) throws IOException {
        Set<ValidationMessage> errors = schema().validate(JSON.readTree(template.toFile()));
        assertThat(errors).as(template.getFileName().toString()).isEmpty();
    }

    @Test
    void theSchemaRejectsATemplateWithoutProperties() throws IOException {
        JsonNode broken = JSON.readTree("{\"name\": \"x\", \"id\": \"x\", \"appliesTo\": [\"bpmn:Task\"]}");
        assertThat(schema().validate(broken)).isNotEmpty();
    }

    @Test
    void everyBuildingBlockHasATemplate() throws IOException {
        List<String> names = templates().map(p -> p.getFileName().toString()).toList();
        assertThat(names).contains("send-message.json", "decide-with-rules.json", "update-profile.json", "wait-until-date.json",
                "wait-for-event.json", "ab-split.json", "goal.json", "journey-settings.json");
    }

    private static JsonSchema schema() throws IOException {
        try (InputStream in = ElementTemplatesSchemaTest.class.getResourceAsStream("/element-templates-schema/schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }
}
