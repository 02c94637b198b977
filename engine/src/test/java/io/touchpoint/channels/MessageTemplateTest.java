package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Parsing, checking and rendering of message templates, and the shipped files in workflows/templates/. No Spring. */
class MessageTemplateTest {

    private static final String SMS = """
            channel: sms
            example:
              customer: {firstName: Ada}
              order: {id: o-1}
            text: "Hi {{ customer.firstName | default: 'there' }}, order {{ order.id }} is on its way"
            """;

    @Test
    void everyShippedTemplateLoadsAndRendersItsExample() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../workflows/templates"))) {
            List<Path> templates = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(templates).isNotEmpty();
            for (Path file : templates) {
                String[] name = file.getFileName().toString().replaceFirst("\\.yaml$", "").split("\\.(?=[^.]+$)");
                MessageTemplate template = MessageTemplate.parse(name[0], name[1], Files.readString(file));
                assertThat(template.render(template.exampleVariables())).as(file.toString()).isNotNull();
            }
        }
    }

    @Test
    void rendersPersonalisedText() {
        MessageTemplate template = MessageTemplate.parse("shipped", "en", SMS);

        RenderedMessage message = template.render(Map.of("customer", Map.of("firstName", "Bo"), "order", Map.of("id", "o-7")));

        assertThat(message.text()).isEqualTo("Hi Bo, order o-7 is on its way");
    }

    @Test
    void renderingUnderTheTimeLimitReusesItsThreadsInsteadOfStartingOnePerPart() {
        MessageTemplate template = MessageTemplate.parse("shipped", "en", SMS);
        template.render(Map.of("customer", Map.of("firstName", "Bo"), "order", Map.of("id", "o-0")));
        long before = java.lang.management.ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();

        for (int i = 1; i <= 500; i++) {
            assertThat(template.render(Map.of("customer", Map.of("firstName", "Bo"), "order", Map.of("id", "o-" + i))).text()).endsWith("o-" + i + " is on its way");
        }

        assertThat(java.lang.management.ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before)
                .as("threads started for 500 renders, one after the other").isLessThan(10);
    }

    @Test
    void aSyntaxErrorIsRefusedNamingTheFileAndPart() {
        assertThatThrownBy(() -> MessageTemplate.parse("shipped", "en", SMS.replace("{{ order.id }}", "{{ order.id ")))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("shipped.en.yaml").hasMessageContaining("part 'text' does not parse");
    }

    @Test
    void anUnknownVariableIsRefusedInStrictMode() {
        assertThatThrownBy(() -> MessageTemplate.parse("shipped", "en", SMS.replace("order.id", "ordr.id")))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("part 'text' does not render").hasMessageContaining("ordr.id");
    }

    @Test
    @Timeout(10)
    void aThreeMillionIterationLoopIsRefusedWhenSaved() {
        assertThatThrownBy(() -> MessageTemplate.parse("loop", "en", "channel: sms\ntext: \"{% for i in (1..3000000) %}x{% endfor %}\"\n"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("loop.en.yaml").hasMessageContaining("part 'text' does not render");
        assertThatThrownBy(() -> MessageTemplate.parse("nested", "en",
                "channel: sms\ntext: \"{% for i in (1..2000) %}{% for j in (1..2000) %}x{% endfor %}{% endfor %}\"\n"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("does not render");
    }

    @Test
    @Timeout(10)
    void aSendWhoseVariablesTakeTheLoopOverTheLimitFailsInsteadOfHanging() {
        MessageTemplate template = MessageTemplate.parse("items", "en", """
                channel: sms
                example:
                  cart: {items: [a, b]}
                text: "{% for item in cart.items %}{% for i in (1..1000) %}{{ item }}{% endfor %}{% endfor %}"
                """);

        assertThatThrownBy(() -> template.render(Map.of("cart", Map.of("items", java.util.Collections.nCopies(5_000, "lamp")))))
                .isInstanceOf(TemplateException.class).hasMessageContaining("does not render");
    }

    @Test
    void anOutputOverTheLimitIsRefused() {
        assertThatThrownBy(() -> MessageTemplate.parse("big", "en", """
                channel: sms
                example:
                  word: "%s"
                text: "{%% for i in (1..1000) %%}{{ word }}{%% endfor %%}"
                """.formatted("x".repeat(2_000))))
                .isInstanceOf(TemplateException.class).hasMessageContaining("does not render");
    }

    @Test
    void aMissingVariableAtSendTimeFailsInsteadOfRenderingAGap() {
        MessageTemplate template = MessageTemplate.parse("shipped", "en", SMS);

        assertThatThrownBy(() -> template.render(Map.of("customer", Map.of("firstName", "Bo"))))
                .isInstanceOf(TemplateException.class).hasMessageContaining("order.id");
    }

    @Test
    void aPartThatRendersEmptyIsRefused() {
        assertThatThrownBy(() -> MessageTemplate.parse("shipped", "en", """
                channel: sms
                example: {note: ""}
                text: "{{ note }}"
                """)).isInstanceOf(TemplateException.class).hasMessageContaining("part 'text' renders empty");
    }

    @Test
    void anEmailWithoutAnHtmlPartIsRefused() {
        assertThatThrownBy(() -> MessageTemplate.parse("news", "en", """
                channel: email
                subject: News
                text: Hello
                """)).isInstanceOf(TemplateException.class).hasMessageContaining("needs the part 'html'");
    }

    @Test
    void anUnknownChannelIsRefused() {
        assertThatThrownBy(() -> MessageTemplate.parse("news", "en", "channel: fax\ntext: Hello\n"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("unknown channel 'fax'");
    }
}
