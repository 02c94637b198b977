package io.touchpoint.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

/** The catalogue file's format and checks, and the learning settings of a Decide with rules step. No Spring, no database. */
class OfferCatalogueTest {

    @Test
    void theShippedCatalogueReadsWithTextsChannelsAndValidity() throws Exception {
        Map<String, Offer> offers = OfferCatalogue.parse(new ClassPathResource("touchpoint/rules/offers.yaml").getContentAsByteArray());
        assertThat(offers).containsKeys("FREE_SHIPPING", "PERCENT_10", "GIFT", "PERCENT_15");
        Offer gift = offers.get("GIFT");
        assertThat(gift.textFor("de-AT")).isEqualTo("ein Geschenk zu Ihrer nächsten Bestellung");
        assertThat(gift.textFor("fr")).as("no French: English").isEqualTo("a free gift with your next order");
        assertThat(gift.allowsAny(List.of("sms"))).isFalse();
        assertThat(gift.allowsAny(List.of("sms", "push"))).isTrue();
        Offer vip = offers.get("PERCENT_15");
        assertThat(vip.validAt(Instant.parse("2027-06-01T00:00:00Z"))).isTrue();
        assertThat(vip.validAt(Instant.parse("2028-01-01T00:00:00Z"))).as("validTo is exclusive").isFalse();
    }

    @Test
    void aBadOfferIsRefusedNamingItsField() {
        assertRefused("offers:\n  - id: A\n    text: {en: a}\n  - id: B\n    text: {en: b}\n    channels: [fax]\n", "offers[1].channels");
        assertRefused("offers:\n  - id: A\n    text: {en: a}\n    validFrom: 2027-01-01T00:00:00Z\n    validTo: 2026-01-01T00:00:00Z\n",
                "offers[0].validTo");
        assertRefused("offers:\n  - id: A\n    text: {}\n", "offers[0].text");
        assertRefused("offers:\n  - id: A\n    text: {english: a}\n", "offers[0].text.english");
        assertRefused("offers:\n  - id: A\n    text: {en: a}\n  - id: A\n    text: {en: b}\n", "offers[1].id");
        assertRefused("offers:\n  - id: 'has space'\n    text: {en: a}\n", "offers[0].id");
        assertRefused("offers:\n  - id: A\n    text: {en: a}\n    price: 3\n", "offers[0].price");
        assertRefused("offers: [\n", "offers: not YAML");
    }

    @Test
    void learningSettingsHaveDefaultsAndNameTheBadInput() {
        assertThat(LearningSettings.of(Map.of())).as("rules mode").isNull();
        LearningSettings defaults = LearningSettings.of(Map.of("mode", "learning"));
        assertThat(defaults).isEqualTo(new LearningSettings("none", 0.05, 0, "order_placed", Duration.ofDays(7)));
        assertThat(LearningSettings.of(Map.of("mode", "learning", "attributionWindow", "PT48H")).attributionWindow()).isEqualTo(Duration.ofHours(48));
        assertThatThrownBy(() -> LearningSettings.of(Map.of("mode", "learn"))).hasMessageContaining("'mode'");
        assertThatThrownBy(() -> LearningSettings.of(Map.of("mode", "learning", "holdout", "110"))).hasMessageContaining("'holdout'");
        assertThatThrownBy(() -> LearningSettings.of(Map.of("mode", "learning", "learningContext", "country"))).hasMessageContaining("'learningContext'");
        assertThatThrownBy(() -> LearningSettings.of(Map.of("mode", "learning", "attributionWindow", "a week"))).hasMessageContaining("'attributionWindow'");
        assertThatThrownBy(() -> LearningSettings.of(Map.of("mode", "learning", "explorationFloor", "60", "holdout", "50")))
                .hasMessageContaining("more than 100%");
    }

    private static void assertRefused(String yaml, String field) {
        assertThatThrownBy(() -> OfferCatalogue.parse(yaml.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(OfferCatalogue.InvalidOfferException.class).hasMessageStartingWith(field);
    }
}
