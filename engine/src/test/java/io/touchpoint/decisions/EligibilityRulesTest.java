package io.touchpoint.decisions;

import static io.touchpoint.decisions.RuleFixtures.cart;
import static io.touchpoint.decisions.RuleFixtures.customer;
import static io.touchpoint.decisions.RuleFixtures.decide;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** rules/eligibility.drl with fact fixtures. No Spring, no database. */
class EligibilityRulesTest {

    private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void aBlockedCustomerGetsNothingNotEvenTransactionalMessages() {
        Decision decision = decide(DecisionRequest.of("receipt", "c-1").withSendingPolicy().category("transactional"),
                customer().attribute("blocked", true).build(), NOON);

        assertThat(decision.isEligible()).isFalse();
        assertThat(decision.getReasons()).containsExactly("A blocked customer gets nothing");
        assertThat(decision.getChannel()).isNull();
        assertThat(decision.getSendAt()).isNull();
    }

    @Test
    void aTestAccountGetsNoMarketingButStillItsReceipts() {
        var testAccount = customer().attribute("testAccount", "true").build();

        assertThat(decide(DecisionRequest.of("newsletter", "c-1").withSendingPolicy(), testAccount, NOON).getReasons())
                .containsExactly("A test account gets no marketing");
        assertThat(decide(DecisionRequest.of("receipt", "c-1").withSendingPolicy().category("transactional"), testAccount, NOON).isEligible()).isTrue();
    }

    @Test
    void customersUnderSixteenGetNoMarketingAndSixteenIsEnough() {
        assertThat(decide(DecisionRequest.of("newsletter", "c-1").withSendingPolicy(), customer().attribute("age", 15).build(), NOON).isEligible()).isFalse();
        assertThat(decide(DecisionRequest.of("newsletter", "c-1").withSendingPolicy(), customer().attribute("age", "16").build(), NOON).isEligible()).isTrue();
    }

    @Test
    void anEmptyCartGetsNoReminder() {
        Decision decision = decide(DecisionRequest.of("abandoned-cart-offer", "c-1").withSendingPolicy().event(Map.of("type", "cart_abandoned", "properties", Map.of())),
                customer().build(), NOON);

        assertThat(decision.getReasons()).containsExactly("An empty cart gets no reminder");
    }

    @Test
    void anOrdinaryCustomerIsEligibleAndEveryRuleThatFiredIsListed() {
        Decision decision = decide(DecisionRequest.of("abandoned-cart-offer", "c-1").withSendingPolicy().event(cart(40)).channels(List.of("email")),
                customer().build(), NOON);

        assertThat(decision.getOutcome()).isEqualTo(Decision.Outcome.DECIDED);
        assertThat(decision.isEligible()).isTrue();
        assertThat(decision.getFiredRules()).contains("Other carts get free shipping",
                "Otherwise email, when the customer consents and has an address", "At most 1 marketing message a day",
                "No marketing message between 21:00 and 08:00 local time");
    }

    @Test
    void aProfileWithAnUnknownTimeZoneIsARecordedNoDecisionNamingTheField() {
        Decision decision = decide(DecisionRequest.of("newsletter", "c-1").withSendingPolicy(), customer().zone("Mars/Olympus_Mons").build(), NOON);

        assertThat(decision.getOutcome()).isEqualTo(Decision.Outcome.NO_DECISION);
        assertThat(decision.isEligible()).isFalse();
        assertThat(decision.getReasons()).singleElement().asString().contains("profile.timeZone").contains("Mars/Olympus_Mons");
    }

    @Test
    void aCartTotalThatIsNotANumberIsARecordedNoDecision() {
        Decision decision = decide(DecisionRequest.of("abandoned-cart-offer", "c-1").withSendingPolicy()
                .event(Map.of("type", "cart_abandoned", "properties", Map.of("total", "lots"))), customer().build(), NOON);

        assertThat(decision.getOutcome()).isEqualTo(Decision.Outcome.NO_DECISION);
        assertThat(decision.getReasons()).singleElement().asString().contains("event.properties.total");
    }
}
