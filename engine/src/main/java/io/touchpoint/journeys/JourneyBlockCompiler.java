package io.touchpoint.journeys;

import static io.touchpoint.journeys.BlockSettings.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParser;
import org.camunda.bpm.engine.impl.calendar.DueDateBusinessCalendar;
import org.camunda.bpm.engine.impl.calendar.DurationHelper;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.xml.sax.helpers.AttributesImpl;

import io.touchpoint.decisions.LearningSettings;

/**
 * Turns the building blocks of a BPMN file into plain BPMN before Camunda parses it, and refuses the file when
 * a block is filled in wrongly, naming the element id and the reason: wait-until timers get their due-date
 * expression, wait-for-event timeouts their duration, A/B split flows their conditions and the split its
 * assignment listener. Every "Send message" task gets the sending policy in front of it: "decide send time"
 * ({@link SendPolicyDelegate}), then, when the policy defers, a timer until the allowed time.
 * Send and decide steps without a category take the journey's.
 */
class JourneyBlockCompiler {

    private static final Set<String> TIMER_SETTINGS = Set.of("timeDate", "timeDuration", "timeCycle");
    /** A configured wait named in a timer expression: {@code waits.get('abandoned-cart')}. */
    private static final Pattern NAMED_WAIT = Pattern.compile("waits\\.get\\(\\s*['\"]([^'\"]*)['\"]\\s*\\)");
    private static final String PLACEHOLDER_DATE = "2000-01-01T00:00:00Z";
    private static final String JOURNEY_CATEGORY = "journey";
    private static final String SEND_POLICY_DELEGATE = "${sendPolicyDelegate}";
    private static final Set<String> POLICY_CHANNELS = Set.of("email", "sms", "push");
    private static final Set<String> SHARED_RULES = Set.of("none", DecideWithRulesDelegate.SENDING_POLICY);

    private final BpmnParse parse;
    private Element definitions;
    /** Templates and decisions the steps name; null where nothing outside the file is known (plain process tests). */
    private final BlockReferences references;

    JourneyBlockCompiler(BpmnParse parse, BlockReferences references) {
        this.parse = parse;
        this.references = references;
    }

    /** Prepares every process of the parsed file; errors are added to the parse and stop the deployment. */
    void compile(Element definitions) {
        this.definitions = definitions;
        for (Element process : definitions.elements("process")) {
            check(process, () -> checkJourneySettings(properties(process)));
            check(process, () -> checkScheduledStart(process, references));
            compileScope(process, properties(process).getOrDefault("category", "marketing").trim());
        }
    }

    private void compileScope(Element scope, String journeyCategory) {
        Map<String, Element> byId = new HashMap<>();
        for (Element child : scope.elements()) {
            if (child.attribute("id") != null) {
                byId.put(child.attribute("id"), child);
            }
        }
        List<Element> sends = new ArrayList<>();
        for (Element child : scope.elements()) {
            String tag = child.getTagName();
            if (tag.equals("subProcess") || tag.equals("transaction")) {
                compileScope(child, journeyCategory);
            } else if (tag.equals("serviceTask") || tag.equals("sendTask")) {
                check(child, () -> checkServiceTask(child, journeyCategory));
                if (SEND_MESSAGE_DELEGATE.equals(child.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "delegateExpression"))) {
                    sends.add(child);
                }
            } else if (tag.equals("boundaryEvent")) {
                Element host = byId.get(child.attribute("attachedToRef"));
                if (host != null && WAIT_FOR_EVENT.equals(properties(host).get(BLOCK))) {
                    fillTimeout(host, child);
                }
            }
            String block = properties(child).get(BLOCK);
            if (block != null) {
                check(child, () -> compileBlock(block, child, scope));
            } else if (child.element("timerEventDefinition") != null) {
                check(child, () -> checkTimer(child.element("timerEventDefinition"), references));
            }
        }
        sends.forEach(send -> check(send, () -> compileSend(send, scope)));
    }

    private void compileBlock(String block, Element element, Element scope) {
        Map<String, String> values = properties(element);
        switch (block) {
            case WAIT_UNTIL_DATE, WAIT_UNTIL_PROFILE_DATE -> fillWaitUntil(element, values);
            case WAIT_FOR_EVENT -> checkWaitForEvent(element, values, scope);
            case AB_SPLIT -> compileSplit(element, values, scope);
            case GOAL -> compileGoal(element, values, scope);
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
        if (optional(values, "instanceKey") != null) {
            name(values, "instanceKey");
        }
        JourneySchedule.of(values); // the parser the scheduler runs with
    }

    /** A scheduled journey is entered through a message start event: its message name is the event type the schedule takes in. */
    private static void checkScheduledStart(Element process, BlockReferences references) {
        JourneySchedule schedule;
        try {
            schedule = JourneySchedule.of(properties(process));
        } catch (Invalid reportedWithTheSettings) {
            return;
        }
        if (schedule != null) {
            require(process.elements("startEvent").stream().anyMatch(start -> start.element("messageEventDefinition") != null),
                    "a scheduled journey starts with a message start event (its message name is the event type each scheduled entry takes in)");
            if (references != null) {
                references.checkSegment(schedule.segmentId());
            }
        }
    }

    /**
     * A goal is the message start event of an interrupting event sub-process, the message named after the goal's
     * event type (added when the start event has none). The old shape, an end event without incoming flow that the
     * dispatcher reaches by process instance modification, is still accepted so that files written for it deploy.
     */
    private void compileGoal(Element event, Map<String, String> values, Element scope) {
        String eventType = eventType(values, "eventType");
        if (event.getTagName().equals("endEvent")) {
            return;
        }
        require(event.getTagName().equals("startEvent") && scope.getTagName().equals("subProcess")
                        && "true".equals(scope.attribute("triggeredByEvent")) && !"false".equals(event.attribute("isInterrupting")),
                "apply the Goal template to the start event of an interrupting event sub-process");
        Element message = event.element("messageEventDefinition");
        require(message != null, "make the goal's start event a message start event");
        String messageRef = message.attribute("messageRef");
        if (messageRef == null) {
            String id = "Message_Goal_" + event.attribute("id");
            definitions.add(new Element(BpmnParser.BPMN20_NS, "message", "bpmn:message", attributes("id", id, "name", eventType), null));
            List<Element> children = event.elements(); // the element's own list: the new definition takes the empty one's place
            children.set(children.indexOf(message), new Element(BpmnParser.BPMN20_NS, "messageEventDefinition", "bpmn:messageEventDefinition",
                    attributes("id", message.attribute("id") == null ? "Def_" + id : message.attribute("id"), "messageRef", id), null));
            return;
        }
        String name = definitions.elements("message").stream().filter(m -> messageRef.equals(m.attribute("id")))
                .map(m -> m.attribute("name")).findFirst().orElse(null);
        require(eventType.equals(name), "has the message '" + name + "'; a goal's message is named after its event type '" + eventType + "'");
    }

    private void checkServiceTask(Element task, String journeyCategory) {
        String delegate = task.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "delegateExpression");
        Map<String, String> inputs = inputParameters(task);
        if (SEND_MESSAGE_DELEGATE.equals(delegate)) {
            String channel = oneOf(inputs, "channel", CHANNELS);
            String template = required(inputs, "template");
            require(SendPolicyDelegate.bestTimeWindow(inputs) == null || !SendMessageDelegate.WEBHOOK.equals(channel),
                    "a webhook goes out at once; the customer's best time is for email, sms, push and best");
            category(task, inputs, journeyCategory);
            if (references != null) {
                references.checkTemplate(template, channel);
            }
        } else if (DECIDE_WITH_RULES_DELEGATE.equals(delegate)) {
            String decision = required(inputs, "decision");
            for (String result : names(inputs, "resultVariables")) {
                require(DecideWithRulesDelegate.RESULTS.contains(result),
                        "'resultVariables' names '" + result + "', not one of " + DecideWithRulesDelegate.RESULTS);
            }
            if (optional(inputs, "channels") != null) {
                for (String channel : inputs.get("channels").trim().split("\\s*,\\s*")) {
                    require(POLICY_CHANNELS.contains(channel), "'channels' names '" + channel + "', not one of " + POLICY_CHANNELS);
                }
            }
            if (optional(inputs, "sharedRules") != null) {
                oneOf(inputs, "sharedRules", SHARED_RULES);
            }
            try {
                LearningSettings.of(inputs); // the parser the step runs with: a bad learning setting refuses the deployment
            } catch (IllegalArgumentException e) {
                throw new Invalid(e.getMessage());
            }
            category(task, inputs, journeyCategory);
            if (references != null) {
                references.checkDecision(decision);
            }
        } else if (UPDATE_PROFILE_DELEGATE.equals(delegate)) {
            name(inputs, "attribute");
            required(inputs, "value");
        }
    }

    /** The step's category, else (empty or "journey") the journey's: written into the step so the run time reads one input. */
    private static void category(Element task, Map<String, String> inputs, String journeyCategory) {
        if (optional(inputs, "category") != null && !JOURNEY_CATEGORY.equals(inputs.get("category").trim())) {
            oneOf(inputs, "category", CATEGORIES);
            return;
        }
        require(CATEGORIES.contains(journeyCategory), "the journey's 'category' is '" + journeyCategory + "', not one of " + CATEGORIES);
        Element io = inputOutput(task);
        io.elements().removeIf(input -> "category".equals(input.attribute("name")));
        io.add(input("category", journeyCategory));
    }

    /**
     * Puts the sending policy in front of a send task (not a webhook: that notifies our own systems). The flows into
     * the task go to "decide send time" (in the transaction that arrives, like a Decide with rules step); from
     * there the send task (asynchronous, retried) runs now, or after a timer until the time the rules allow.
     */
    private void compileSend(Element task, Element scope) {
        Map<String, String> inputs = inputParameters(task);
        String channel = optional(inputs, "channel");
        if (channel == null || SendMessageDelegate.WEBHOOK.equals(channel)) {
            return; // a missing channel is already reported
        }
        String id = task.attribute("id");
        String policy = id + BlockSettings.DECIDE_SEND_TIME;
        String gateway = id + BlockSettings.SEND_NOW;
        String timer = id + BlockSettings.WAIT_UNTIL_SEND_ALLOWED;
        List<Element> children = scope.elements();
        for (int i = 0; i < children.size(); i++) {
            Element flow = children.get(i);
            if (flow.getTagName().equals("sequenceFlow") && id.equals(flow.attribute("targetRef"))) {
                AttributesImpl copy = attributes("id", flow.attribute("id"), "sourceRef", flow.attribute("sourceRef"), "targetRef", policy);
                if (flow.attribute("name") != null) {
                    copy.addAttribute("", "name", "name", "CDATA", flow.attribute("name"));
                }
                Element rewired = new Element(BpmnParser.BPMN20_NS, "sequenceFlow", "bpmn:sequenceFlow", copy, null);
                flow.elements().forEach(rewired::add);
                children.set(i, rewired);
            }
        }
        AttributesImpl decideAttributes = attributes("id", policy, "name", "Decide send time");
        String camundaNs = BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS.getNamespaceUri();
        decideAttributes.addAttribute(camundaNs, "delegateExpression", "camunda:delegateExpression", "CDATA", SEND_POLICY_DELEGATE);
        Element decide = new Element(BpmnParser.BPMN20_NS, "serviceTask", "bpmn:serviceTask", decideAttributes, null);
        Element io = inputOutput(decide);
        io.add(input("channel", channel));
        io.add(input("category", inputParameters(task).get("category")));
        io.add(input(SendPolicyDelegate.SEND_STEP, id));
        for (String sendTime : List.of(SendPolicyDelegate.SEND_TIME, SendPolicyDelegate.SEND_WINDOW)) {
            if (optional(inputs, sendTime) != null) {
                io.add(input(sendTime, inputs.get(sendTime).trim()));
            }
        }
        children.add(decide);
        children.add(new Element(BpmnParser.BPMN20_NS, "exclusiveGateway", "bpmn:exclusiveGateway",
                attributes("id", gateway, "name", "Send now?", "default", gateway + "_Now"), null));
        Element wait = new Element(BpmnParser.BPMN20_NS, "intermediateCatchEvent", "bpmn:intermediateCatchEvent",
                attributes("id", timer, "name", "Until sending is allowed"), null);
        Element timerDefinition = new Element(BpmnParser.BPMN20_NS, "timerEventDefinition", "bpmn:timerEventDefinition", attributes(), null);
        timerDefinition.add(text("timeDate", "${execution.getVariable('%s')}".formatted(SendPolicyDelegate.sendAtVariable(id))));
        wait.add(timerDefinition);
        children.add(wait);
        children.add(flow(policy + "_Decided", policy, gateway));
        children.add(flow(gateway + "_Now", gateway, id));
        Element later = flow(gateway + "_Later", gateway, timer);
        later.add(text("conditionExpression", "${execution.getVariable('%s')}".formatted(SendPolicyDelegate.laterVariable(id))));
        children.add(later);
        children.add(flow(timer + "_Send", timer, id));
    }

    private static Element flow(String id, String source, String target) {
        return new Element(BpmnParser.BPMN20_NS, "sequenceFlow", "bpmn:sequenceFlow", attributes("id", id, "sourceRef", source, "targetRef", target), null);
    }

    private static Element inputOutput(Element task) {
        Element extensions = extensionElements(task);
        Element io = extensions.elementNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "inputOutput");
        if (io == null) {
            io = camunda("inputOutput", attributes(), null);
            extensions.add(io);
        }
        return io;
    }

    private static Element input(String name, String value) {
        return camunda("inputParameter", attributes("name", name), value);
    }

    private static Element camunda(String tag, AttributesImpl attributes, String text) {
        Element element = new Element(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS.getNamespaceUri(), tag, "camunda:" + tag, attributes, null);
        if (text != null) {
            element.appendText(text);
        }
        return element;
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

    /**
     * A timer drawn without a block: a written duration, date or repeating cycle is read by the engine's own
     * calendars, as the timer will be; a wait named in an expression ({@code ${waits.get('abandoned-cart')}}) must be
     * configured. Any other expression is worked out at run time; a cron cycle is left to the engine.
     */
    static void checkTimer(Element timer, BlockReferences references) {
        for (Element setting : timer.elements()) {
            String tag = setting.getTagName();
            String value = setting.getText() == null ? "" : setting.getText().trim();
            if (!TIMER_SETTINGS.contains(tag)) {
                continue;
            }
            if (value.contains("${") || value.contains("#{")) {
                Matcher named = NAMED_WAIT.matcher(value);
                while (references != null && named.find()) {
                    references.checkWait(tag, named.group(1));
                }
                continue;
            }
            if (tag.equals("timeCycle") && !value.startsWith("R")) {
                continue;
            }
            try {
                if (tag.equals("timeDate")) {
                    new DueDateBusinessCalendar().resolveDuedate(value);
                } else {
                    new DurationHelper(value).getDateAfter();
                }
            } catch (Exception unreadable) {
                throw new Invalid("'" + tag + "' is '" + value + "', not an ISO-8601 " + (tag.equals("timeDate") ? "date" : tag.equals("timeCycle")
                        ? "cycle such as R3/PT1M" : "duration such as PT36H, P3D or P2W") + " (" + unreadable.getMessage() + ")");
            }
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

    /** A Camunda BPMN parse that compiles the building blocks and runs Camunda Modeler's lint checks first. */
    static class Parse extends BpmnParse {
        private final BlockReferences references;

        Parse(BpmnParser parser, BlockReferences references) {
            super(parser);
            this.references = references;
        }

        private static boolean oldGoalShape(JourneyLint.Finding finding) {
            return finding.element() != null && finding.element().getTagName().equals("endEvent")
                    && GOAL.equals(properties(finding.element()).get(BLOCK))
                    && Set.of("no-disconnected", "no-implicit-start").contains(finding.rule());
        }

        @Override
        protected void parseRootElement() {
            // what the marketer drew, before the blocks add steps; a Goal end event of the first shape (no flows) stays
            // deployable so that journeys of that shape can be deployed again and migrated (the build's lint refuses it)
            List<JourneyLint.Finding> lint = JourneyLint.check(rootElement).stream().filter(finding -> !oldGoalShape(finding)).toList();
            // what a step names elsewhere (template, decision, wait, segment) is checked when a file is deployed, not when
            // a deployed one is read again (another node, a restart): a name removed since then fails that customer's
            // step at run time, an incident, and never the definition nor the intake of events
            BlockReferences checked = deployment != null && !deployment.isNew() ? null : references;
            new JourneyBlockCompiler(this, checked).compile(rootElement);
            DeploymentPolicy.check(this, rootElement, deployment == null ? null : deployment.getResource(name));
            JourneyLint.report(lint, this);
            super.parseRootElement();
        }

    }
}
