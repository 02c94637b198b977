package io.touchpoint.decisions;

import static io.touchpoint.decisions.RuleFixtures.customer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import io.touchpoint.profiles.CustomerProfile;

/**
 * Rules are scoped: a marketer's new decision file next to the shipped rules fires only its own rules; the shared
 * sending policy (eligibility, channel, caps, quiet hours) only when a request asks for it. No Spring, no database.
 */
class DecisionScopeTest {

    private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");
    private static final String NPS_SEGMENT = """
            // decision "nps-segment": which follow-up a survey answer gets
            package rules

            import io.touchpoint.decisions.Decision
            import io.touchpoint.decisions.DecisionRequest
            import io.touchpoint.decisions.TriggerEvent

            rule "A detractor is handed to the CRM for a call back"
            when
                DecisionRequest( decisionName == "nps-segment" )
                TriggerEvent( type == "nps_answered", $score : properties["score"] )
                eval( ((Number) $score).intValue() <= 6 )
                $decision : Decision()
            then
                $decision.offer(drools.getRule().getName(), "detractor", "a call back within one working day");
            end
            """;

    private final DecisionRules rules = new DecisionRules(shippedRulesAnd(NPS_SEGMENT));
    private final CustomerProfile optedOutOfMarketingEmail = customer().consent("email", false).consent("sms", false).build();

    @Test
    void aNewDecisionFileIsNotAffectedByTheChannelRulesOrAnyOtherSharedRule() {
        Decision decision = rules.decide(npsAnswer(3), optedOutOfMarketingEmail, List.of(), NOON);

        assertThat(decision.isEligible()).isTrue();
        assertThat(decision.getOfferCode()).isEqualTo("detractor");
        assertThat(decision.getFiredRules()).containsExactly("A detractor is handed to the CRM for a call back");
    }

    @Test
    void theSharedSendingPolicyFiresOnlyWhenTheRequestAsksForIt() {
        Decision withPolicy = rules.decide(npsAnswer(3).withSendingPolicy(), optedOutOfMarketingEmail, List.of(), NOON);

        assertThat(withPolicy.isEligible()).isFalse();
        assertThat(withPolicy.getReasons()).containsExactly("Without a consented, reachable channel nothing is sent");
    }

    @Test
    void theShippedDecisionsDoNotAnswerTheNewOne() {
        Decision promoter = rules.decide(npsAnswer(9), customer().attribute("firstPregnancy", true).build(), List.of(), NOON);

        assertThat(promoter.getOfferCode()).as("no due-date, cart or win-back offer leaks in").isNull();
        assertThat(promoter.getFiredRules()).isEmpty();
    }

    @Test
    void aRuleThatNamesNoDecisionIsRefusedWithItsFileAndLine() {
        String unscoped = NPS_SEGMENT.replace("    DecisionRequest( decisionName == \"nps-segment\" )\n", "");

        assertThatThrownBy(() -> shippedRulesAnd(unscoped))
                .isInstanceOf(RuleBase.RuleCompilationException.class)
                .satisfies(e -> assertThat(((RuleBase.RuleCompilationException) e).problems()).singleElement().satisfies(problem -> {
                    assertThat(problem.file()).isEqualTo("nps-segment.drl");
                    assertThat(problem.line()).isEqualTo(8);
                    assertThat(problem.message()).contains("rule \"A detractor is handed to the CRM for a call back\" names no decision");
                }));
    }

    private static DecisionRequest npsAnswer(int score) {
        return DecisionRequest.of("nps-segment", "c-1").event(Map.of("type", "nps_answered", "properties", Map.of("score", score)));
    }

    private static RuleBase shippedRulesAnd(String drl) {
        try {
            List<Resource> files = new ArrayList<>(Arrays.asList(new PathMatchingResourcePatternResolver().getResources("classpath:touchpoint/rules/*.drl*")));
            files.add(new ByteArrayResource(drl.getBytes()) {
                @Override
                public String getFilename() {
                    return "nps-segment.drl";
                }
            });
            return new RuleBase(files.toArray(Resource[]::new));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
