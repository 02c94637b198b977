package io.touchpoint.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;

/** The offer rules in rules/offer.drl, fired with fact fixtures. No Spring, no database. */
class OfferRulesTest {

    private final OfferService offers = new OfferService(compile(new ClassPathResource("touchpoint/rules/offer.drl")));

    @Test
    void cartsOverOneHundredGetTenPercentOff() {
        OfferDecision decision = offers.decide(new OfferRequest("c-1", new BigDecimal("100.01"), true));

        assertThat(decision.isEligible()).isTrue();
        assertThat(decision.getOfferCode()).isEqualTo("PERCENT_10");
        assertThat(decision.getReason()).isEqualTo("Carts over 100 get 10% off");
    }

    @Test
    void cartsOfOneHundredOrLessGetFreeShipping() {
        OfferDecision decision = offers.decide(new OfferRequest("c-1", new BigDecimal("100.00"), true));

        assertThat(decision.getOfferCode()).isEqualTo("FREE_SHIPPING");
        assertThat(decision.getOfferText()).isEqualTo("free shipping on your order");
    }

    @Test
    void aCustomerWhoOptedOutOfEmailGetsNothingWhateverTheCart() {
        OfferDecision decision = offers.decide(new OfferRequest("c-1", new BigDecimal("500"), false));

        assertThat(decision.isEligible()).isFalse();
        assertThat(decision.getOfferCode()).isNull();
        assertThat(decision.getReason()).isEqualTo("A customer who opted out of email gets no offer");
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

    private static RuleBase compile(ClassPathResource file) {
        try {
            return new RuleBase(file);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
