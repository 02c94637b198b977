package io.touchpoint.decisions;

import static io.touchpoint.decisions.RuleFixtures.customer;
import static io.touchpoint.decisions.RuleFixtures.decide;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** rules/channel.drl.csv with fact fixtures: preferred channel, fallback order, consent. No Spring, no database. */
class ChannelRulesTest {

    private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void thePreferredChannelIsUsedWhenConsentedAndReachable() {
        Decision decision = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(), customer().attribute("preferredChannel", "sms").build(), NOON);

        assertThat(decision.getChannel()).isEqualTo("sms");
        assertThat(decision.getReasons()).contains("The preferred channel is used when the customer consents and can be reached");
    }

    @Test
    void withoutConsentForThePreferredChannelTheFallbackOrderDecides() {
        Decision decision = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(),
                customer().attribute("preferredChannel", "sms").consent("sms.marketing", false).build(), NOON);

        assertThat(decision.getChannel()).isEqualTo("email");
    }

    @Test
    void anUnreachablePreferredChannelFallsBackAndEmailWithoutAddressIsSkipped() {
        Decision decision = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(),
                customer().attribute("preferredChannel", "push").noEmail().build(), NOON);

        assertThat(decision.getChannel()).isEqualTo("sms");
        assertThat(decision.getReasons()).contains("Otherwise SMS, when the customer consents and has a phone number");
    }

    @Test
    void theRequestLimitsWhichChannelsMayBeUsedAndTheTableOrdersThem() {
        var everywhere = customer().attribute("pushToken", "tok-1");

        assertThat(decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy().channels(List.of("push", "sms")), everywhere.build(), NOON).getChannel())
                .isEqualTo("sms");
        assertThat(decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy().channels(List.of("push", "sms")), everywhere.noPhone().build(), NOON).getChannel())
                .isEqualTo("push");
    }

    @Test
    void neverAChannelWithoutConsent() {
        Decision decision = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(),
                customer().consent("email", false).consent("sms.marketing", false).attribute("pushToken", "tok-1")
                        .consent("push", false).build(), NOON);

        assertThat(decision.isEligible()).isFalse();
        assertThat(decision.getChannel()).isNull();
        assertThat(decision.getReasons()).containsExactly("Without a consented, reachable channel nothing is sent");
    }

    @Test
    void aTransactionalMessageUsesEmailEvenAfterAMarketingOptOut() {
        Decision decision = decide(DecisionRequest.of("receipt", "c-1").withSendingPolicy().category("transactional"),
                customer().consent("email.marketing", false).build(), NOON);

        assertThat(decision.getChannel()).isEqualTo("email");
    }
}
