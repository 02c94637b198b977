package io.touchpoint.decisions;

import static io.touchpoint.decisions.RuleFixtures.cart;
import static io.touchpoint.decisions.RuleFixtures.customer;
import static io.touchpoint.decisions.RuleFixtures.decide;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;

import io.touchpoint.profiles.CustomerProfile;

/** rules/offer.drl with fact fixtures, asked as the journeys ask (abandoned cart: email only, with the sending policy). No Spring, no database. */
class OfferRulesTest {

    private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void cartsOverOneHundredGetTenPercentOff() {
        Decision decision = abandonedCart(new BigDecimal("100.01"), customer().build());

        assertThat(decision.isEligible()).isTrue();
        assertThat(decision.getOfferCode()).isEqualTo("PERCENT_10");
        assertThat(decision.getReasons()).contains("Carts over 100 get 10% off");
    }

    @Test
    void cartsOfOneHundredOrLessGetFreeShipping() {
        Decision decision = abandonedCart(new BigDecimal("100.00"), customer().build());

        assertThat(decision.getOfferCode()).isEqualTo("FREE_SHIPPING");
        assertThat(decision.getOfferText()).isEqualTo("free shipping on your order");
    }

    @Test
    void vipCartsOverTwoHundredGetFifteenPercentOff() {
        assertThat(abandonedCart(new BigDecimal("250"), customer().attribute("tier", "vip").build()).getOfferCode()).isEqualTo("PERCENT_15");
        assertThat(abandonedCart(new BigDecimal("250"), customer().build()).getOfferCode()).isEqualTo("PERCENT_10");
    }

    @Test
    void aCustomerWhoOptedOutOfEmailGetsNothingWhateverTheCart() {
        Decision decision = abandonedCart(new BigDecimal("500"), customer().consent("email", false).build());

        assertThat(decision.isEligible()).isFalse();
        assertThat(decision.getOfferCode()).isNull();
        assertThat(decision.getReasons()).containsExactly("Without a consented, reachable channel nothing is sent");
    }

    @Test
    void lapsedCustomersAreWonBack() {
        Decision decision = decide(DecisionRequest.of("win-back-offer", "c-1").event(Map.of("type", "order_placed")), customer().build(), NOON);

        assertThat(decision.getOfferCode()).isEqualTo("PERCENT_20");
        assertThat(decision.getOfferText()).isEqualTo("20% off your next order with code WELCOME20");
    }

    @Test
    void offerRulesAnswerOnlyTheDecisionTheyName() {
        Decision other = decide(DecisionRequest.of("nps-segment", "c-1").event(cart(new BigDecimal("150"))), customer().build(), NOON);
        Decision winBackForACart = decide(DecisionRequest.of("win-back-offer", "c-1").event(cart(new BigDecimal("150"))), customer().build(), NOON);

        assertThat(other.getOfferCode()).isNull();
        assertThat(other.getFiredRules()).isEmpty();
        assertThat(winBackForACart.getOfferCode()).isEqualTo("PERCENT_20");
    }

    @Test
    void aRuleFileThatDoesNotCompileIsRefusedWithItsNameAndLine() {
        ByteArrayResource broken = new ByteArrayResource("""
                package rules

                rule "Broken"
                when
                    ThereIsNoSuchFact( )
                then
                end
                """.getBytes()) {
            @Override
            public String getFilename() {
                return "broken.drl";
            }
        };

        assertThatThrownBy(() -> new RuleBase(broken))
                .isInstanceOf(RuleBase.RuleCompilationException.class)
                .hasMessageContaining("broken.drl line 5")
                .hasMessageContaining("ThereIsNoSuchFact");
    }

    private static Decision abandonedCart(BigDecimal total, CustomerProfile profile) {
        return decide(DecisionRequest.of("abandoned-cart-offer", "c-1").event(cart(total)).channels(List.of("email")).withSendingPolicy(),
                profile, NOON);
    }
}
