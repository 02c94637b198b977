package io.touchpoint.decisions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.GroupElement;
import org.drools.base.rule.Pattern;
import org.drools.base.rule.RuleConditionElement;
import org.drools.base.rule.constraint.Constraint;
import org.drools.mvel.MVELConstraint;
import org.kie.api.KieBase;
import org.kie.api.definition.rule.Rule;

/**
 * A rule belongs to the decision it names: every rule must match {@code DecisionRequest( decisionName == "…" )}
 * (its own decision) or {@code DecisionRequest( sendingPolicy )} (the shared sending policy, fired only for requests
 * that ask for it). A rule that names neither would fire for every decision of every journey, so it is refused like a
 * compile error, naming the rule, its file and line.
 */
final class RuleScopeCheck {

    private RuleScopeCheck() {
    }

    static List<RuleProblem> check(KieBase base, Map<String, byte[]> sources) {
        List<RuleProblem> problems = new ArrayList<>();
        for (var rulePackage : base.getKiePackages()) {
            for (Rule rule : rulePackage.getRules()) {
                if (rule instanceof RuleImpl impl && !scoped(impl.getLhs())) {
                    String file = impl.getResource() == null || impl.getResource().getSourcePath() == null ? "rules"
                            : impl.getResource().getSourcePath().substring(impl.getResource().getSourcePath().lastIndexOf('/') + 1);
                    problems.add(new RuleProblem(file, lineOf(sources.get(file), rule.getName()), "rule \"" + rule.getName()
                            + "\" names no decision: add DecisionRequest( decisionName == \"<decision>\" ) for a decision of its own,"
                            + " or DecisionRequest( sendingPolicy ) for the shared sending policy"));
                }
            }
        }
        return problems;
    }

    private static boolean scoped(RuleConditionElement element) {
        if (element instanceof Pattern pattern) {
            return pattern.getObjectType().getClassName().equals(DecisionRequest.class.getName())
                    && pattern.getConstraints().stream().map(RuleScopeCheck::expression)
                    .anyMatch(e -> e.contains("decisionName") || e.contains("sendingPolicy"));
        }
        if (element instanceof GroupElement group && (group.isAnd() || group.isOr())) {
            return group.isAnd() ? group.getChildren().stream().anyMatch(RuleScopeCheck::scoped)
                    : group.getChildren().stream().allMatch(RuleScopeCheck::scoped);
        }
        return false;
    }

    private static String expression(Constraint constraint) {
        return constraint instanceof MVELConstraint mvel ? mvel.getExpression() : String.valueOf(constraint);
    }

    private static int lineOf(byte[] source, String ruleName) {
        if (source == null) {
            return 0;
        }
        String[] lines = new String(source, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("rule \"" + ruleName + "\"") || lines[i].contains("\"" + ruleName + "\"")) {
                return i + 1;
            }
        }
        return 0;
    }
}
