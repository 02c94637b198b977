package io.touchpoint.journeys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.impl.juel.AstBracket;
import org.camunda.bpm.impl.juel.AstDot;
import org.camunda.bpm.impl.juel.AstFunction;
import org.camunda.bpm.impl.juel.AstIdentifier;
import org.camunda.bpm.impl.juel.AstMethod;
import org.camunda.bpm.impl.juel.AstString;
import org.camunda.bpm.impl.juel.Builder;
import org.camunda.bpm.impl.juel.Node;
import org.camunda.bpm.impl.juel.TreeBuilderException;

/**
 * What a deployed journey may use: the building blocks' beans and methods, the journey's variables and simple
 * comparisons of them; nothing that runs other code (scripts, Java classes, listeners beyond the blocks', external
 * resources, connectors). Checked on every BPMN file after the blocks are compiled, so the check sees what will run;
 * the same allow-list limits expressions at run time ({@link JourneyExpressions}).
 */
public final class DeploymentPolicy {

    /** Beans a journey may call, with the methods it may call on each. */
    public static final Map<String, Set<String>> BEAN_METHODS = Map.of(
            "journeyDates", Set.of("dueDate"),
            "journeySplits", Set.of("assign"),
            "waits", Set.of("get"));
    /** Beans a service task may name as its {@code camunda:delegateExpression}. */
    public static final Set<String> DELEGATES = Set.of("sendMessageDelegate", "decideWithRulesDelegate",
            "updateProfileDelegate", "sendPolicyDelegate");
    /** What an expression may ask of {@code execution}: the journey's variables and business key. */
    public static final Set<String> EXECUTION_METHODS = Set.of("getVariable", "getVariableLocal", "hasVariable",
            "getBusinessKey", "getProcessBusinessKey");
    public static final Set<String> EXECUTION_PROPERTIES = Set.of("businessKey", "processBusinessKey", "currentActivityId");
    /** Camunda's built-in functions that only read the clock. */
    public static final Set<String> FUNCTIONS = Set.of("now", "dateTime");

    static final int MAX_BYTES = 1024 * 1024;
    static final int MAX_ELEMENTS = 2_000;

    private static final String EXECUTION = "execution";
    private static final Pattern EXPRESSION = Pattern.compile("[$#]\\{");
    private static final Pattern DELEGATE = Pattern.compile("\\$\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}");
    private static final Pattern DOT = Pattern.compile("\\.\\s*(\\S+)");
    /** BPMN diagram interchange: shapes and waypoints, not counted as journey elements. */
    private static final Set<String> DIAGRAM_NAMESPACES = Set.of("http://www.omg.org/spec/BPMN/20100524/DI",
            "http://www.omg.org/spec/DD/20100524/DC", "http://www.omg.org/spec/DD/20100524/DI");
    private static final Set<String> CODE_ELEMENTS = Set.of("scriptTask", "script", "connector");
    private static final Set<String> LISTENERS = Set.of("executionListener", "taskListener");

    private final BpmnParse parse;

    private DeploymentPolicy(BpmnParse parse) {
        this.parse = parse;
    }

    /** Adds a parse error, naming the element, for everything in the file a journey may not use. */
    public static void check(BpmnParse parse, Element definitions, ResourceEntity resource) {
        DeploymentPolicy policy = new DeploymentPolicy(parse);
        if (resource != null && resource.getBytes() != null && resource.getBytes().length > MAX_BYTES) {
            policy.refuse(definitions, "the file has " + resource.getBytes().length + " bytes; a journey may have at most " + MAX_BYTES);
            return;
        }
        int elements = countElements(definitions);
        if (elements > MAX_ELEMENTS) {
            policy.refuse(definitions, "the file has " + elements + " elements; a journey may have at most " + MAX_ELEMENTS);
            return;
        }
        policy.checkTree(definitions, definitions);
    }

    /** The reasons an expression may not run in a journey; empty when it may. */
    public static List<String> problems(String expression) {
        List<String> problems = new ArrayList<>();
        try {
            Node root = new Builder(Builder.Feature.METHOD_INVOCATIONS, Builder.Feature.VARARGS).build(expression).getRoot();
            checkNode(root, problems);
        } catch (TreeBuilderException e) {
            problems.add("is not a valid expression: " + e.getMessage());
        }
        return problems;
    }

    /** Checks an element and its children; problems are reported on the nearest element with an id. */
    private void checkTree(Element element, Element owner) {
        if (element.attribute("id") != null) {
            owner = element;
        }
        String tag = element.getTagName();
        if (CODE_ELEMENTS.contains(tag)) {
            refuse(owner, "a " + tag + " runs code; journeys may use only the building blocks");
        }
        if (LISTENERS.contains(tag) && element.attribute("expression") == null) {
            refuse(owner, "a " + tag + " may only call a building block's expression");
        }
        for (String key : element.attributes()) {
            checkAttribute(element, owner, localName(key), element.attribute(key));
        }
        String text = element.getText();
        if (text != null && EXPRESSION.matcher(text).find()) {
            checkExpression(owner, text.trim());
        }
        for (Element child : element.elements()) {
            checkTree(child, owner);
        }
    }

    private void checkAttribute(Element element, Element owner, String name, String value) {
        if (name.equals("class") || name.endsWith("Class")) {
            refuse(owner, "'" + name + "' names a Java class; journeys may use only the building blocks");
        } else if (name.equals("resource") || name.equals("scriptFormat") || name.equals("language")) {
            refuse(owner, "'" + name + "' loads or runs a script; journeys may use only the building blocks");
        } else if (name.equals("type") && "external".equals(value)) {
            refuse(owner, "external tasks are not a building block");
        } else if (name.endsWith("delegateExpression") || name.endsWith("DelegateExpression")) {
            Matcher delegate = DELEGATE.matcher(value);
            if (LISTENERS.contains(element.getTagName()) || !delegate.matches() || !DELEGATES.contains(delegate.group(1))) {
                refuse(owner, "'" + name + "' is '" + value + "'; a task may name only a block's delegate " + new java.util.TreeSet<>(DELEGATES));
            }
        } else if (EXPRESSION.matcher(value).find()) {
            checkExpression(owner, value);
        }
    }

    private void checkExpression(Element element, String expression) {
        for (String problem : problems(expression)) {
            refuse(element, "the expression '" + expression + "' " + problem);
        }
    }

    private static void checkNode(Node node, List<String> problems) {
        if (node instanceof AstMethod method) {
            checkMethod(method, problems);
            checkNode(method.getChild(1), problems); // the arguments; the target was checked
            return;
        }
        if (node instanceof AstDot dot) {
            String property = dotName(dot);
            Node target = dot.getChild(0);
            String name = target instanceof AstIdentifier identifier ? identifier.getName() : null;
            if (property.equals("class")) {
                problems.add("reads 'class'");
            } else if (EXECUTION.equals(name) && !EXECUTION_PROPERTIES.contains(property)) {
                problems.add("reads 'execution." + property + "'; allowed: " + EXECUTION_PROPERTIES);
            } else if (isBean(name)) {
                problems.add("reads '" + property + "' of the bean '" + name + "'");
            }
        }
        if (node instanceof AstBracket bracket) {
            Node target = bracket.getChild(0);
            String name = target instanceof AstIdentifier identifier ? identifier.getName() : null;
            if (EXECUTION.equals(name) || isBean(name)) {
                problems.add("reads a property of '" + name + "' by name");
            } else if (bracket.getChild(1) instanceof AstString key && "\"class\"".equals(key.toString())) {
                problems.add("reads 'class'");
            }
        }
        if (node instanceof AstFunction function && !FUNCTIONS.contains(function.getName())) {
            problems.add("calls the function '" + function.getName() + "'; allowed: " + FUNCTIONS);
        }
        for (int i = 0; i < node.getCardinality(); i++) {
            checkNode(node.getChild(i), problems);
        }
    }

    private static void checkMethod(AstMethod method, List<String> problems) {
        if (!(method.getChild(0) instanceof AstDot dot) || !(dot.getChild(0) instanceof AstIdentifier target)) {
            problems.add("calls a method on a computed value; only " + allowedCalls() + " may be called");
            return;
        }
        String name = dotName(dot);
        boolean allowed = EXECUTION.equals(target.getName())
                ? EXECUTION_METHODS.contains(name)
                : BEAN_METHODS.getOrDefault(target.getName(), Set.of()).contains(name);
        if (!allowed) {
            problems.add("calls '" + target.getName() + "." + name + "()'; only " + allowedCalls() + " may be called");
        }
    }

    private static boolean isBean(String name) {
        return name != null && (BEAN_METHODS.containsKey(name) || DELEGATES.contains(name));
    }

    /** The property of {@code a.b}: JUEL writes the node as ". b". */
    private static String dotName(AstDot dot) {
        Matcher name = DOT.matcher(dot.toString());
        return name.find() ? name.group(1) : dot.toString();
    }

    private static String allowedCalls() {
        List<String> calls = new ArrayList<>();
        BEAN_METHODS.forEach((bean, methods) -> methods.forEach(method -> calls.add(bean + "." + method)));
        EXECUTION_METHODS.forEach(method -> calls.add(EXECUTION + "." + method));
        return calls.stream().sorted().toList().toString();
    }

    private static int countElements(Element element) {
        if (DIAGRAM_NAMESPACES.contains(element.getUri())) {
            return 0;
        }
        int count = 1;
        for (Element child : element.elements()) {
            count += countElements(child);
        }
        return count;
    }

    private static String localName(String key) {
        return key.substring(key.lastIndexOf(':') + 1);
    }

    private void refuse(Element element, String reason) {
        String id = element.attribute("id");
        String where = id != null ? "'" + id + "'" : "<" + element.getTagName() + "> at line " + element.getLine();
        parse.addError("Not allowed in a journey, " + where + ": " + reason, element, id == null ? new String[0] : new String[] {id});
    }
}
