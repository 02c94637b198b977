package io.touchpoint.journeys;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * Makes a test's hand-written BPMN look as Camunda Modeler saves it, so that the deploy-time lint ({@link JourneyLint})
 * lets it through: {@code <incoming>}/{@code <outgoing>} on every flow node, a name (its id) on every step that needs a
 * label, and a diagram shape or edge for every flow node and flow. Leaves the process logic untouched.
 */
public final class ModelerBpmn {

    private static final String BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static final String BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI";
    private static final String DC = "http://www.omg.org/spec/DD/20100524/DC";
    private static final String DI = "http://www.omg.org/spec/DD/20100524/DI";
    private static final Set<String> FLOW_NODES = Set.of("task", "serviceTask", "sendTask", "receiveTask", "userTask", "manualTask",
            "businessRuleTask", "scriptTask", "callActivity", "subProcess", "transaction", "exclusiveGateway", "parallelGateway",
            "inclusiveGateway", "eventBasedGateway", "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
            "boundaryEvent");
    private static final Set<String> BEFORE_INCOMING = Set.of("documentation", "extensionElements", "incoming");

    private ModelerBpmn() {
    }

    /** A model built with Camunda's fluent API, as Modeler would save it. */
    public static String saved(BpmnModelInstance model) {
        return saved(Bpmn.convertToString(model));
    }

    /** The BPMN text as Modeler would save it. */
    public static String saved(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            Document document = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml.strip())));
            List<Element> flows = elements(document, "sequenceFlow");
            for (Element flow : flows) {
                reference(document, flow.getAttribute("sourceRef"), "outgoing", flow.getAttribute("id"));
                reference(document, flow.getAttribute("targetRef"), "incoming", flow.getAttribute("id"));
                if (child(flow, "conditionExpression") != null && flow.getAttribute("name").isBlank()) {
                    flow.setAttribute("name", flow.getAttribute("id"));
                }
            }
            List<Element> nodes = new ArrayList<>();
            for (String type : FLOW_NODES) {
                nodes.addAll(elements(document, type));
            }
            for (Element node : nodes) {
                boolean gateway = node.getLocalName().endsWith("Gateway");
                boolean needsName = !node.getLocalName().equals("subProcess") && !node.getLocalName().equals("parallelGateway")
                        && !node.getLocalName().equals("eventBasedGateway") && (!gateway || children(node, "outgoing").size() > 1);
                if (needsName && node.getAttribute("name").isBlank()) {
                    node.setAttribute("name", node.getAttribute("id"));
                }
            }
            if (document.getElementsByTagNameNS(BPMNDI, "BPMNDiagram").getLength() == 0) {
                diagram(document, nodes, flows);
            }
            StringWriter out = new StringWriter();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(out));
            return out.toString();
        } catch (Exception e) {
            throw new IllegalArgumentException("not a BPMN file: " + e.getMessage(), e);
        }
    }

    private static void diagram(Document document, List<Element> nodes, List<Element> flows) {
        Element process = elements(document, "process").get(0);
        Element diagram = document.createElementNS(BPMNDI, "bpmndi:BPMNDiagram");
        Element plane = document.createElementNS(BPMNDI, "bpmndi:BPMNPlane");
        diagram.setAttribute("id", "Diagram_" + process.getAttribute("id"));
        plane.setAttribute("id", "Plane_" + process.getAttribute("id"));
        plane.setAttribute("bpmnElement", process.getAttribute("id"));
        diagram.appendChild(plane);
        int x = 100;
        for (Element node : nodes) {
            Element shape = document.createElementNS(BPMNDI, "bpmndi:BPMNShape");
            shape.setAttribute("id", node.getAttribute("id") + "_di");
            shape.setAttribute("bpmnElement", node.getAttribute("id"));
            Element bounds = document.createElementNS(DC, "dc:Bounds");
            bounds.setAttribute("x", String.valueOf(x += 150));
            bounds.setAttribute("y", "100");
            bounds.setAttribute("width", "100");
            bounds.setAttribute("height", "80");
            shape.appendChild(bounds);
            plane.appendChild(shape);
        }
        for (Element flow : flows) {
            Element edge = document.createElementNS(BPMNDI, "bpmndi:BPMNEdge");
            edge.setAttribute("id", flow.getAttribute("id") + "_di");
            edge.setAttribute("bpmnElement", flow.getAttribute("id"));
            for (String px : new String[] {"0", "50"}) {
                Element waypoint = document.createElementNS(DI, "di:waypoint");
                waypoint.setAttribute("x", px);
                waypoint.setAttribute("y", "140");
                edge.appendChild(waypoint);
            }
            plane.appendChild(edge);
        }
        document.getDocumentElement().appendChild(diagram);
    }

    /** Adds {@code <incoming>} or {@code <outgoing>} to the node where BPMN's schema wants it, unless it is there. */
    private static void reference(Document document, String nodeId, String tag, String flowId) {
        Element node = byId(document, nodeId);
        if (node == null || children(node, tag).stream().anyMatch(e -> e.getTextContent().trim().equals(flowId))) {
            return;
        }
        Element reference = document.createElementNS(BPMN, node.getPrefix() == null ? tag : node.getPrefix() + ":" + tag);
        reference.setTextContent(flowId);
        Node before = null;
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e && !(BEFORE_INCOMING.contains(e.getLocalName()) || tag.equals("outgoing") && e.getLocalName().equals("outgoing"))) {
                before = child;
                break;
            }
        }
        node.insertBefore(reference, before);
    }

    private static Element byId(Document document, String id) {
        for (String type : FLOW_NODES) {
            for (Element e : elements(document, type)) {
                if (e.getAttribute("id").equals(id)) {
                    return e;
                }
            }
        }
        return null;
    }

    private static List<Element> elements(Document document, String type) {
        List<Element> all = new ArrayList<>();
        var list = document.getElementsByTagNameNS(BPMN, type);
        for (int i = 0; i < list.getLength(); i++) {
            all.add((Element) list.item(i));
        }
        return all;
    }

    private static List<Element> children(Element element, String type) {
        List<Element> all = new ArrayList<>();
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e && BPMN.equals(e.getNamespaceURI()) && e.getLocalName().equals(type)) {
                all.add(e);
            }
        }
        return all;
    }

    private static Element child(Element element, String type) {
        List<Element> all = children(element, type);
        return all.isEmpty() ? null : all.get(0);
    }
}
