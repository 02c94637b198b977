package io.touchpoint.journeys;

import static io.touchpoint.journeys.BlockSettings.*;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParser;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.xml.sax.helpers.AttributesImpl;

/**
 * Turns the building blocks of a BPMN file into plain BPMN before Camunda parses it, and refuses the file when
 * a block is filled in wrongly, naming the element id and the reason: wait-until timers get their due-date
 * expression, wait-for-event timeouts their duration, A/B split flows their conditions and the split its
 * assignment listener.
 */
class JourneyBlockCompiler {

    private static final Set<String> TIMER_SETTINGS = Set.of("timeDate", "timeDuration", "timeCycle");
    private static final String PLACEHOLDER_DATE = "2000-01-01T00:00:00Z";

    private final BpmnParse parse;
    /** Templates and decisions the steps name; null where nothing outside the file is known (plain process tests). */
    private final BlockReferences references;

    JourneyBlockCompiler(BpmnParse parse, BlockReferences references) {
        this.parse = parse;
        this.references = references;
    }

    /** Prepares every process of the parsed file; errors are added to the parse and stop the deployment. */
    void compile(Element definitions) {
        for (Element process : definitions.elements("process")) {
            check(process, () -> checkJourneySettings(properties(process)));
            compileScope(process);
        }
    }

    private void compileScope(Element scope) {
        Map<String, Element> byId = new HashMap<>();
        for (Element child : scope.elements()) {
            if (child.attribute("id") != null) {
                byId.put(child.attribute("id"), child);
            }
        }
        for (Element child : scope.elements()) {
            String tag = child.getTagName();
            if (tag.equals("subProcess") || tag.equals("transaction")) {
                compileScope(child);
            } else if (tag.equals("serviceTask") || tag.equals("sendTask")) {
                check(child, () -> checkServiceTask(child));
            } else if (tag.equals("boundaryEvent")) {
                Element host = byId.get(child.attribute("attachedToRef"));
                if (host != null && WAIT_FOR_EVENT.equals(properties(host).get(BLOCK))) {
                    fillTimeout(host, child);
                }
            }
            String block = properties(child).get(BLOCK);
            if (block != null) {
                check(child, () -> compileBlock(block, child, scope));
            }
        }
    }

    private void compileBlock(String block, Element element, Element scope) {
        Map<String, String> values = properties(element);
        switch (block) {
            case WAIT_UNTIL_DATE, WAIT_UNTIL_PROFILE_DATE -> fillWaitUntil(element, values);
            case WAIT_FOR_EVENT -> checkWaitForEvent(element, values, scope);
            case AB_SPLIT -> compileSplit(element, values, scope);
            case GOAL -> {
                eventType(values, "eventType");
                require(element.getTagName().equals("endEvent"), "apply the Goal template to an end event");
            }
            default -> throw new Invalid("'" + BLOCK + "' is '" + block + "', not a Touchpoint block");
        }
    }

    static void checkJourneySettings(Map<String, String> values) {
        if (values.get("reentry") != null) {
            String reentry = oneOf(values, "reentry", Set.of("never", "afterExit", "always", "coolDown"));
            if (reentry.equals("coolDown")) {
                isoDuration(values, "coolDown");
            }
        }
        if (optional(values, "priority") != null && !values.get("priority").trim().matches("-?\\d{1,9}")) {
            throw new Invalid("'priority' is '" + values.get("priority") + "', not a whole number");
        }
        if (optional(values, "singleActive") != null && !Set.of("true", "false").contains(values.get("singleActive").trim())) {
            throw new Invalid("'singleActive' is '" + values.get("singleActive") + "', not true or false");
        }
    }

    private void checkServiceTask(Element task) {
        String delegate = task.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "delegateExpression");
        Map<String, String> inputs = inputParameters(task);
        if (SEND_MESSAGE_DELEGATE.equals(delegate)) {
            String channel = oneOf(inputs, "channel", CHANNELS);
            String template = required(inputs, "template");
            oneOf(inputs, "category", CATEGORIES);
            if (references != null) {
                references.checkTemplate(template, channel);
            }
        } else if (DECIDE_WITH_RULES_DELEGATE.equals(delegate)) {
            String decision = required(inputs, "decision");
            names(inputs, "resultVariables");
            if (references != null) {
                references.checkDecision(decision);
            }
        } else if (UPDATE_PROFILE_DELEGATE.equals(delegate)) {
            name(inputs, "attribute");
            required(inputs, "value");
        }
    }

    private void fillWaitUntil(Element event, Map<String, String> values) {
        require(event.getTagName().equals("intermediateCatchEvent"), "apply the Wait until date template to an intermediate catch event");
        Element timer = emptyTimer(event, "Wait until date");
        try {
            timer.add(text("timeDate", DateWaitBlock.of(values).expression()));
        } catch (Invalid e) {
            timer.add(text("timeDate", PLACEHOLDER_DATE)); // lets Camunda finish parsing so the report holds only our reason
            throw e;
        }
    }

    private void checkWaitForEvent(Element task, Map<String, String> values, Element scope) {
        require(task.getTagName().equals("receiveTask") && task.attribute("messageRef") == null,
                "apply the Wait for event template to a receive task without a message");
        eventType(values, "eventType");
        if (optional(values, "correlationProperty") != null) {
            name(values, "correlationProperty");
        }
        if (optional(values, "timeout") != null) {
            timerDuration(values, "timeout");
            String id = task.attribute("id");
            boolean timerAttached = scope.elements("boundaryEvent").stream()
                    .anyMatch(b -> id.equals(b.attribute("attachedToRef")) && b.element("timerEventDefinition") != null);
            require(timerAttached, "has a timeout but no timer boundary event for the timeout path");
        }
    }

    /** The timeout of a "Wait for event" task becomes the duration of its empty timer boundary event. */
    private void fillTimeout(Element task, Element boundary) {
        Element timer = boundary.element("timerEventDefinition");
        String timeout = optional(properties(task), "timeout");
        if (timer == null || timeout == null || timer.elements().stream().anyMatch(e -> TIMER_SETTINGS.contains(e.getTagName()))) {
            return;
        }
        try {
            timer.add(text("timeDuration", timerDuration(properties(task), "timeout")));
        } catch (Invalid reportedByTheTask) {
            timer.add(text("timeDuration", "P0D"));
        }
    }

    private void compileSplit(Element gateway, Map<String, String> values, Element scope) {
        require(gateway.getTagName().equals("exclusiveGateway"), "apply the A/B split template to an exclusive gateway");
        Map<String, Integer> weights = weights(values, "variants");
        int holdout = percent(values, "holdout");
        String id = gateway.attribute("id");
        Map<String, Element> flows = new LinkedHashMap<>();
        for (Element flow : scope.elements("sequenceFlow")) {
            if (id.equals(flow.attribute("sourceRef"))) {
                flows.put(flow.attribute("name") == null ? "" : flow.attribute("name").trim(), flow);
            }
        }
        for (String variant : weights.keySet()) {
            require(flows.containsKey(variant), "has no outgoing flow named '" + variant + "' for that variant");
        }
        require(holdout == 0 || flows.containsKey(HOLDOUT), "has a holdout share but no outgoing flow named 'holdout'");
        for (Map.Entry<String, Element> flow : flows.entrySet()) {
            require(weights.containsKey(flow.getKey()) || HOLDOUT.equals(flow.getKey()),
                    "has an outgoing flow named '" + flow.getKey() + "' that is not a variant " + weights.keySet());
            require(flow.getValue().element("conditionExpression") == null, "sets the conditions of its flows itself; remove them");
            flow.getValue().add(text("conditionExpression",
                    "${execution.getVariable('%s') == '%s'}".formatted(JourneySplits.variable(id), flow.getKey())));
        }
        String spec = weights.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
        Element listener = new Element(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS.getNamespaceUri(), "executionListener", "camunda:executionListener", attributes(
                "event", "start", "expression", "${journeySplits.assign(execution, '%s', %d)}".formatted(spec, holdout)), null);
        extensionElements(gateway).add(listener);
    }

    private Element emptyTimer(Element event, String block) {
        Element timer = event.element("timerEventDefinition");
        require(timer != null, "apply the " + block + " template to a timer event");
        require(timer.elements().stream().noneMatch(e -> TIMER_SETTINGS.contains(e.getTagName())),
                "leave the timer empty; the " + block + " block sets it");
        return timer;
    }

    private void check(Element element, Runnable check) {
        try {
            check.run();
        } catch (Invalid e) {
            String id = element.attribute("id");
            parse.addError("Touchpoint block '" + id + "': " + e.getMessage(), element, id);
        }
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new Invalid(reason);
        }
    }

    /** The camunda:property entries of an element. */
    static Map<String, String> properties(Element element) {
        Map<String, String> values = new LinkedHashMap<>();
        Element extensions = element.element("extensionElements");
        Element properties = extensions == null ? null : extensions.elementNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "properties");
        if (properties != null) {
            for (Element property : properties.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "property")) {
                values.put(property.attribute("name"), property.attribute("value"));
            }
        }
        return values;
    }

    /** The camunda:inputParameter entries of a task, as written (expressions unevaluated). */
    static Map<String, String> inputParameters(Element element) {
        Map<String, String> values = new LinkedHashMap<>();
        Element extensions = element.element("extensionElements");
        Element io = extensions == null ? null : extensions.elementNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "inputOutput");
        if (io != null) {
            for (Element input : io.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "inputParameter")) {
                values.put(input.attribute("name"), input.getText());
            }
        }
        return values;
    }

    private static Element extensionElements(Element element) {
        Element extensions = element.element("extensionElements");
        if (extensions == null) {
            extensions = new Element(BpmnParser.BPMN20_NS, "extensionElements", "bpmn:extensionElements", attributes(), null);
            element.add(extensions);
        }
        return extensions;
    }

    private static Element text(String tag, String content) {
        Element element = new Element(BpmnParser.BPMN20_NS, tag, "bpmn:" + tag, attributes(), null);
        element.appendText(content);
        return element;
    }

    private static AttributesImpl attributes(String... namesAndValues) {
        AttributesImpl attributes = new AttributesImpl();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            attributes.addAttribute("", namesAndValues[i], namesAndValues[i], "CDATA", namesAndValues[i + 1]);
        }
        return attributes;
    }

    /**
     * Whether the journey continues after this element in a job of its own: every element an event starts or moves
     * (message start, catch and boundary events, receive tasks). The event's intake then only starts or moves the
     * journey; what follows (timer due dates, gateways, tasks) runs in the job, where a failure retries and becomes
     * an incident of that journey instead of failing the intake.
     */
    static boolean continuesAfterEvent(Element element) {
        return switch (element.getTagName()) {
            case "receiveTask" -> true;
            case "startEvent", "intermediateCatchEvent", "boundaryEvent" -> element.element("messageEventDefinition") != null;
            default -> false;
        };
    }

    /** A Camunda BPMN parse that compiles the building blocks first. */
    static class Parse extends BpmnParse {
        private final BlockReferences references;

        Parse(BpmnParser parser, BlockReferences references) {
            super(parser);
            this.references = references;
        }

        @Override
        protected void parseRootElement() {
            new JourneyBlockCompiler(this, references).compile(rootElement);
            super.parseRootElement();
        }

        @Override
        protected boolean isAsyncAfter(Element element) {
            return super.isAsyncAfter(element) || continuesAfterEvent(element);
        }
    }
}
