package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.SAXParserFactory;

import org.camunda.bpm.engine.impl.util.xml.Element;
import org.junit.jupiter.api.Test;
import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The deploy-time checks ({@link JourneyLint}) find the same errors as the build's bpmnlint ({@code workflows-lint/},
 * run here with node on the machine): the same (file, rule, element) triples over the broken fixture files and every
 * shipped journey. Needs {@code workflows-lint/node_modules} (the build's {@code npm ci} in that module); no engine.
 */
class JourneyLintParityTest {

    private static final Path LINT_MODULE = Path.of("..", "workflows-lint");

    @Test
    void javaChecksFindWhatBpmnlintFinds() throws Exception {
        List<Path> files = Stream.concat(bpmnFiles(LINT_MODULE.resolve("test/broken")), bpmnFiles(Path.of("..", "workflows"))).toList();

        Set<String> bpmnlint = bpmnlintErrors(files);
        Set<String> java = new TreeSet<>();
        for (Path file : files) {
            JourneyLint.check(parse(file)).forEach(f -> java.add(file.getFileName() + " " + f.rule() + " " + f.elementId()));
        }

        assertThat(java).isEqualTo(bpmnlint);
        assertThat(bpmnlint.stream().map(e -> e.split(" ")[1]).collect(Collectors.toSet())).as("every error rule is exercised").containsAll(Set.of(
                "ad-hoc-sub-process", "conditional-flows", "end-event-required", "event-based-gateway", "event-sub-process-typed-start-event",
                "label-required", "link-event", "no-bpmndi", "no-complex-gateway", "no-disconnected", "no-duplicate-sequence-flows",
                "no-gateway-join-fork", "no-implicit-split", "no-implicit-end", "no-implicit-start", "single-blank-start-event",
                "single-event-definition", "start-event-required", "sub-process-blank-start-event"));
    }

    private static Set<String> bpmnlintErrors(List<Path> files) throws Exception {
        assertThat(LINT_MODULE.resolve("node_modules/bpmnlint")).as("run the build of workflows-lint first (npm ci)").isDirectory();
        List<String> command = Stream.concat(Stream.of("node", "report.js"), files.stream().map(f -> f.toAbsolutePath().toString())).toList();
        File output = Files.createTempFile("bpmnlint", ".json").toFile();
        Process node = new ProcessBuilder(command).directory(LINT_MODULE.toFile()).redirectOutput(output)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).isZero();
        Set<String> errors = new TreeSet<>();
        for (JsonNode row : new ObjectMapper().readTree(output)) {
            if (row.get("category").asText().equals("error") && !row.get("rule").asText().isEmpty()) { // "" = an XML import warning: Camunda's parser refuses those itself
                errors.add(Path.of(row.get("file").asText()).getFileName() + " " + row.get("rule").asText() + " " + row.get("id").asText());
            }
        }
        assertThat(errors).as("the broken files have errors").isNotEmpty();
        return errors;
    }

    private static Stream<Path> bpmnFiles(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList().stream();
        }
    }

    /** The file as Camunda's parser sees it: the same Element tree its SAX handler builds. */
    static Element parse(Path file) throws Exception {
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        Deque<Element> open = new ArrayDeque<>();
        Element[] root = new Element[1];
        factory.newSAXParser().parse(Files.newInputStream(file), new DefaultHandler() {
            @Override
            public void startElement(String uri, String localName, String qName, Attributes attributes) {
                Element element = new Element(uri, localName, qName, attributes, null);
                if (open.isEmpty()) {
                    root[0] = element;
                } else {
                    open.peek().add(element);
                }
                open.push(element);
            }

            @Override
            public void endElement(String uri, String localName, String qName) {
                open.pop();
            }

            @Override
            public void characters(char[] text, int start, int length) {
                if (!open.isEmpty()) {
                    open.peek().appendText(new String(text, start, length));
                }
            }
        });
        return root[0];
    }
}
