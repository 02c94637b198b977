package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParser;
import org.camunda.bpm.engine.impl.util.xml.Element;

/**
 * The errors Camunda Modeler's linter shows in red, checked at deploy: the error rules of {@code bpmnlint:recommended}
 * (bpmnlint 11) written in Java over Camunda's parse tree, so that a journey the build's lint refuses
 * ({@code .bpmnlintrc}: recommended + camunda-compat 7.24, whose only 7.24 rule is an info) is refused on deploy too.
 * Each rule follows bpmnlint's source, including its quirks: flows count as a node's incoming and outgoing only when
 * written as {@code <incoming>}/{@code <outgoing>} (as Modeler writes them). Warnings and infos do not fail the build
 * and are not checked here. {@code JourneyLintParityTest} runs both linters over the same files.
 */
final class JourneyLint {

    /** One error: the bpmnlint rule, the element it names and bpmnlint's message. */
    record Finding(String rule, String elementId, String message, Element element) {
        @Override
        public String toString() {
            return "'" + elementId + "': " + message + " (lint rule " + rule + ")";
        }
    }

    private static final Set<String> TASKS = Set.of("task", "serviceTask", "sendTask", "receiveTask", "userTask", "manualTask",
            "businessRuleTask", "scriptTask");
    private static final Set<String> SUB_PROCESSES = Set.of("subProcess", "transaction", "adHocSubProcess");
    private static final Set<String> GATEWAYS = Set.of("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
            "complexGateway");
    private static final Set<String> EVENTS = Set.of("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
            "boundaryEvent", "implicitThrowEvent");
    private static final Set<String> CATCH_EVENTS = Set.of("startEvent", "intermediateCatchEvent", "boundaryEvent");
    private static final Set<String> EVENT_DEFINITIONS = Set.of("messageEventDefinition", "timerEventDefinition", "signalEventDefinition",
            "errorEventDefinition", "escalationEventDefinition", "compensateEventDefinition", "conditionalEventDefinition",
            "linkEventDefinition", "terminateEventDefinition", "cancelEventDefinition");
    private static final Set<String> ACTIVITIES = union(TASKS, SUB_PROCESSES, Set.of("callActivity"));
    private static final Set<String> FLOW_NODES = union(ACTIVITIES, GATEWAYS, EVENTS);
    private static final Set<String> FLOW_ELEMENTS = union(FLOW_NODES, Set.of("sequenceFlow", "dataObject", "dataObjectReference",
            "dataStoreReference"));
    private static final Set<String> CONTAINERS = union(SUB_PROCESSES, Set.of("process"));

    private final Map<String, Element> byId = new HashMap<>();
    private final Map<Element, Element> parents = new HashMap<>();
    private final Set<String> flowKeys = new HashSet<>();
    private final Set<String> duplicateReported = new HashSet<>();
    private final List<Finding> findings = new ArrayList<>();

    private JourneyLint(Element definitions) {
        index(definitions);
    }

    /** Adds every lint error of the file to the parse, naming the element, so the deployment is refused. */
    static void report(List<Finding> findings, BpmnParse parse) {
        for (Finding finding : findings) {
            parse.addError(finding.toString(), finding.element(), finding.elementId());
        }
    }

    /** The lint errors of a parsed BPMN file, in document order. */
    static List<Finding> check(Element definitions) {
        JourneyLint lint = new JourneyLint(definitions);
        lint.noBpmnDi(definitions);
        lint.visit(definitions);
        return lint.findings;
    }

    private void index(Element element) {
        for (Element child : element.elements()) {
            parents.put(child, element);
            if (child.attribute("id") != null) {
                byId.putIfAbsent(child.attribute("id"), child);
            }
            index(child);
        }
    }

    private void visit(Element node) {
        for (Element child : bpmn(node)) {
            if (!child.getTagName().equals("extensionElements")) {
                checkNode(child);
                visit(child);
            }
        }
    }

    private void checkNode(Element node) {
        String type = node.getTagName();
        if (CONTAINERS.contains(type)) {
            linkEvents(node);
            singleBlankStartEvent(node);
            if (!type.equals("adHocSubProcess")) {
                require(flowElements(node).anyMatch(e -> is(e, "startEvent")), "start-event-required", node, scopeName(node) + " is missing start event");
                require(flowElements(node).anyMatch(e -> is(e, "endEvent")), "end-event-required", node, scopeName(node) + " is missing end event");
            }
        }
        if (SUB_PROCESSES.contains(type)) {
            subProcessStartEvents(node);
        }
        if (type.equals("adHocSubProcess")) {
            flowElements(node).filter(e -> is(e, "startEvent")).forEach(e -> report("ad-hoc-sub-process", e, "A <Start Event> is not allowed in <Ad Hoc Sub Process>"));
            flowElements(node).filter(e -> is(e, "endEvent")).forEach(e -> report("ad-hoc-sub-process", e, "An <End Event> is not allowed in <Ad Hoc Sub Process>"));
        }
        if (type.equals("eventBasedGateway")) {
            require(outgoing(node).size() >= 2, "event-based-gateway", node, "An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>");
            outgoing(node).stream().filter(JourneyLint::hasCondition)
                    .forEach(flow -> report("event-based-gateway", flow, "A <Sequence Flow> outgoing from an <Event-based Gateway> must not be conditional"));
        }
        if (type.equals("complexGateway")) {
            report("no-complex-gateway", node, "Element type <bpmn:ComplexGateway> is discouraged");
        }
        if (GATEWAYS.contains(type) && incoming(node).size() > 1 && outgoing(node).size() > 1) {
            report("no-gateway-join-fork", node, "Gateway forks and joins");
        }
        if (EVENTS.contains(type) && eventDefinitions(node).size() > 1) {
            report("single-event-definition", node, "Event has multiple event definitions");
        }
        if (type.equals("sequenceFlow")) {
            duplicateSequenceFlow(node);
        }
        labelRequired(node);
        conditionalFlows(node);
        connections(node);
    }

    private void linkEvents(Element container) {
        List<Element> links = flowElements(container).filter(e -> EVENTS.contains(e.getTagName()) && linkDefinition(e) != null).toList();
        Map<String, List<Element>> byName = new LinkedHashMap<>();
        for (Element link : links) {
            String name = linkDefinition(link).attribute("name");
            if (name == null || name.isEmpty()) {
                report("link-event", link, "Link event is missing link name");
            }
            byName.computeIfAbsent(name == null || name.isEmpty() ? "_" : name, k -> new ArrayList<>()).add(link);
        }
        byName.forEach((name, events) -> {
            List<Element> catches = events.stream().filter(e -> CATCH_EVENTS.contains(e.getTagName())).toList();
            if (events.size() == 1) {
                Element event = events.get(0);
                String missing = CATCH_EVENTS.contains(event.getTagName()) ? "throw" : "catch";
                report("link-event", event, "Link " + missing + " event with link name <" + name + "> missing in scope");
            } else if (catches.size() > 1) {
                catches.forEach(e -> report("link-event", e, "Duplicate link catch event with link name <" + name + "> in scope"));
            } else if (catches.isEmpty()) {
                events.forEach(e -> report("link-event", e, "Link catch event with link name <" + name + "> missing in scope"));
            }
        });
    }

    private void singleBlankStartEvent(Element container) {
        if (flowElements(container).filter(e -> is(e, "startEvent") && eventDefinitions(e).isEmpty()).count() > 1) {
            report("single-blank-start-event", container, scopeName(container) + " has multiple blank start events");
        }
    }

    private void subProcessStartEvents(Element subProcess) {
        flowElements(subProcess).filter(e -> is(e, "startEvent")).forEach(start -> {
            if (triggeredByEvent(subProcess) && eventDefinitions(start).isEmpty()) {
                report("event-sub-process-typed-start-event", start, "Start event is missing event definition");
            } else if (!triggeredByEvent(subProcess) && !eventDefinitions(start).isEmpty()) {
                report("sub-process-blank-start-event", start, "Start event must be blank");
            }
        });
    }

    private void duplicateSequenceFlow(Element flow) {
        Element source = byId.get(flow.attribute("sourceRef"));
        Element target = byId.get(flow.attribute("targetRef"));
        Element condition = flow.element("conditionExpression");
        String key = (source == null ? flow : source).attribute("id") + "#" + (target == null ? flow : target).attribute("id")
                + "#" + (condition == null ? "" : condition.getText());
        if (flowKeys.add(key)) {
            return;
        }
        report("no-duplicate-sequence-flows", flow, "SequenceFlow is a duplicate");
        if (source != null && duplicateReported.add("out#" + source.attribute("id"))) {
            report("no-duplicate-sequence-flows", source, "Duplicate outgoing sequence flows");
        }
        if (target != null && duplicateReported.add("in#" + target.attribute("id"))) {
            report("no-duplicate-sequence-flows", target, "Duplicate incoming sequence flows");
        }
    }

    private void labelRequired(Element node) {
        String type = node.getTagName();
        boolean needsName = switch (type) {
            case "parallelGateway", "eventBasedGateway" -> false;
            case "exclusiveGateway", "inclusiveGateway", "complexGateway" -> outgoing(node).size() > 1;
            case "sequenceFlow" -> hasCondition(node);
            case "participant", "lane" -> true;
            default -> FLOW_NODES.contains(type) && !SUB_PROCESSES.contains(type);
        };
        String name = node.attribute("name");
        if (needsName && (name == null || name.trim().isEmpty())) {
            report("label-required", node, "Element is missing label/name");
        }
    }

    private void conditionalFlows(Element node) {
        if (!FLOW_NODES.contains(node.getTagName())) {
            return;
        }
        Element defaultFlow = byId.get(node.attribute("default"));
        List<Element> outgoing = outgoing(node);
        if (defaultFlow == null && outgoing.stream().noneMatch(JourneyLint::hasCondition)) {
            return;
        }
        outgoing.stream().filter(flow -> !hasCondition(flow) && flow != defaultFlow)
                .forEach(flow -> report("conditional-flows", flow, "Sequence flow is missing condition"));
    }

    /** no-disconnected, no-implicit-split, no-implicit-start and no-implicit-end. */
    private void connections(Element node) {
        String type = node.getTagName();
        boolean activity = ACTIVITIES.contains(type);
        boolean event = EVENTS.contains(type);
        boolean gateway = GATEWAYS.contains(type);
        if (!activity && !event && !gateway) {
            return;
        }
        List<Element> incoming = incoming(node);
        List<Element> outgoing = outgoing(node);
        boolean inAdHoc = is(parents.get(node), "adHocSubProcess");
        boolean eventSubProcess = SUB_PROCESSES.contains(type) && triggeredByEvent(node);
        boolean forCompensation = activity && "true".equals(node.attribute("isForCompensation"));
        boolean onlyLinks = onlyDefinitions(node, "linkEventDefinition");

        boolean connectable = TASKS.contains(type) || gateway || SUB_PROCESSES.contains(type) || event;
        if (connectable && !eventSubProcess && !forCompensation && !compensationBoundary(node) && !inAdHoc
                && incoming.isEmpty() && outgoing.isEmpty()) {
            report("no-disconnected", node, "Element is not connected");
        }
        if ((activity || event) && outgoing.stream().filter(flow -> !hasCondition(flow) && !isDefault(node, flow)).count() > 1) {
            report("no-implicit-split", node, "Flow splits implicitly");
        }
        boolean implicitStart = !forCompensation && !inAdHoc && !eventSubProcess && !(type.equals("intermediateCatchEvent") && onlyLinks)
                && !type.equals("startEvent") && !type.equals("boundaryEvent") && incoming.isEmpty();
        if (implicitStart) {
            report("no-implicit-start", node, "Element is an implicit start");
        }
        boolean implicitEnd = !eventSubProcess && !(type.equals("intermediateThrowEvent") && onlyLinks) && !inAdHoc
                && !type.equals("endEvent") && !(type.equals("boundaryEvent") && onlyDefinitions(node, "compensateEventDefinition")
                && hasCompensationActivity(node)) && !forCompensation && outgoing.isEmpty();
        if (implicitEnd) {
            report("no-implicit-end", node, "Element is an implicit end");
        }
    }

    private void noBpmnDi(Element definitions) {
        Set<String> drawn = new HashSet<>();
        for (Element diagram : definitions.elementsNS(BpmnParse.BPMN_DI_NS, "BPMNDiagram")) {
            for (Element plane : diagram.elementsNS(BpmnParse.BPMN_DI_NS, "BPMNPlane")) {
                plane.elements().forEach(shape -> drawn.add(shape.attribute("bpmnElement")));
            }
        }
        for (Element element : visualElements(bpmn(definitions))) {
            if (!is(element, "dataObject") && !drawn.contains(element.attribute("id"))) {
                report("no-bpmndi", element, "Element is missing bpmndi");
            }
        }
    }

    /** bpmnlint's getAllBpmnElements: flow elements (into sub-processes), participants, artifacts, lanes, message flows. */
    private List<Element> visualElements(List<Element> roots) {
        List<Element> all = new ArrayList<>();
        for (Element root : roots) {
            Element laneSet = bpmn(root).stream().filter(e -> is(e, "laneSet") || is(e, "childLaneSet")).findFirst().orElse(null);
            List<Element> flowElements = flowElements(root).toList();
            List<Element> lanes = laneSet == null ? List.of() : children(laneSet, "lane");
            all.addAll(flowElements);
            all.addAll(visualElements(flowElements.stream().filter(e -> flowElements(e).findAny().isPresent()).toList()));
            all.addAll(children(root, "participant"));
            all.addAll(bpmn(root).stream().filter(e -> Set.of("textAnnotation", "association", "group").contains(e.getTagName())).toList());
            all.addAll(lanes);
            all.addAll(visualElements(lanes.stream().filter(lane -> !children(lane, "childLaneSet").isEmpty()).toList()));
            all.addAll(children(root, "messageFlow"));
        }
        return all;
    }

    private boolean hasCompensationActivity(Element node) {
        Element process = node;
        while (process != null && !is(process, "process")) {
            process = parents.get(process);
        }
        return process != null && children(process, "association").stream().anyMatch(a -> Objects.equals(a.attribute("sourceRef"), node.attribute("id")));
    }

    private boolean compensationBoundary(Element node) {
        List<Element> definitions = eventDefinitions(node);
        return is(node, "boundaryEvent") && definitions.size() == 1 && is(definitions.get(0), "compensateEventDefinition");
    }

    private boolean onlyDefinitions(Element node, String type) {
        List<Element> definitions = eventDefinitions(node);
        return !definitions.isEmpty() && definitions.stream().allMatch(d -> is(d, type));
    }

    private boolean isDefault(Element node, Element flow) {
        return flow == byId.get(node.attribute("default"));
    }

    private List<Element> incoming(Element node) {
        return references(node, "incoming");
    }

    private List<Element> outgoing(Element node) {
        return references(node, "outgoing");
    }

    /** Like bpmn-moddle: the ids written in {@code <incoming>}/{@code <outgoing>} that name an element. */
    private List<Element> references(Element node, String tag) {
        return children(node, tag).stream().map(ref -> byId.get(ref.getText().trim())).filter(Objects::nonNull).toList();
    }

    private Element linkDefinition(Element event) {
        return eventDefinitions(event).stream().filter(d -> is(d, "linkEventDefinition")).findFirst().orElse(null);
    }

    private static List<Element> eventDefinitions(Element event) {
        return bpmn(event).stream().filter(e -> EVENT_DEFINITIONS.contains(e.getTagName())).toList();
    }

    private static Stream<Element> flowElements(Element container) {
        return bpmn(container).stream().filter(e -> FLOW_ELEMENTS.contains(e.getTagName()));
    }

    private static boolean hasCondition(Element flow) {
        return flow.element("conditionExpression") != null;
    }

    private static boolean triggeredByEvent(Element subProcess) {
        return "true".equals(subProcess.attribute("triggeredByEvent"));
    }

    private static String scopeName(Element scope) {
        return is(scope, "process") ? "Process" : "Sub process";
    }

    private static boolean is(Element element, String type) {
        return element != null && BpmnParser.BPMN20_NS.equals(element.getUri()) && element.getTagName().equals(type);
    }

    private static List<Element> bpmn(Element element) {
        return element.elements().stream().filter(e -> BpmnParser.BPMN20_NS.equals(e.getUri())).toList();
    }

    private static List<Element> children(Element element, String type) {
        return bpmn(element).stream().filter(e -> e.getTagName().equals(type)).toList();
    }

    private void require(boolean condition, String rule, Element element, String message) {
        if (!condition) {
            report(rule, element, message);
        }
    }

    private void report(String rule, Element element, String message) {
        findings.add(new Finding(rule, element.attribute("id"), message, element));
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }
}
