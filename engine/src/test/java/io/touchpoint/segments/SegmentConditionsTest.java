package io.touchpoint.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.touchpoint.profiles.ComputedTraits;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileSegments.CountedEvent;
import io.touchpoint.profiles.SegmentMembership;

/** Segment conditions compiled and evaluated against profiles in memory; no Spring, no database, no Hazelcast. */
class SegmentConditionsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private final SegmentParser parser = new SegmentParser(new ObjectMapper());

    private static final String BIG_SPENDER = """
            {"name": "Big spender", "condition":
              {"event": "order_placed", "where": [{"property": "total", "gt": 100}], "atLeast": 2, "within": "P90D"}}""";
    private static final String GERMAN_BIG_SPENDER = """
            {"name": "German big spender", "condition": {"all": [
              {"attribute": "country", "eq": "DE"},
              {"segment": "big-spender"},
              {"consent": "email", "purpose": "marketing"},
              {"identity": "email"}]}}""";
    private static final String LAPSED = """
            {"name": "No order for 60 days", "condition": {"all": [
              {"trait": "orderCount", "gte": 1},
              {"not": {"event": "order_placed", "atLeast": 1, "within": "P60D"}}]}}""";

    @Test
    void attributeEventCountInAWindowAndANestedSegmentDecideTogether() {
        SegmentSet segments = set(Map.of("big-spender", BIG_SPENDER, "german-big-spender", GERMAN_BIG_SPENDER));
        CustomerProfile profile = profile(Map.of("country", "DE"), Map.of());

        profile = order(segments, profile, 150, T0);
        assertThat(profile.segments().joined()).isEmpty();
        profile = order(segments, profile, 50, T0.plus(Duration.ofDays(10))); // does not pass the filter
        assertThat(profile.segments().joined()).isEmpty();
        Instant second = T0.plus(Duration.ofDays(20));
        profile = order(segments, profile, 120, second);
        assertThat(profile.segments().joined()).containsOnlyKeys("big-spender", "german-big-spender")
                .containsEntry("big-spender", second);
        assertThat(profile.segments().recheckAt()).as("the first order leaves the window then").isEqualTo(T0.plus(Duration.ofDays(90)));

        CustomerProfile swiss = profile.withSegments(profile.segments());
        swiss = new CustomerProfile(swiss.customerId(), swiss.email(), swiss.phone(), swiss.identities(), Map.of("country", "CH"),
                Map.of(), swiss.consents(), null, null, swiss.computedTraits(), List.of(), 3, Set.of(), T0, second, swiss.segments());
        assertThat(segments.evaluate(swiss, null, second).joined()).containsOnlyKeys("big-spender");

        SegmentMembership later = segments.evaluate(profile, null, T0.plus(Duration.ofDays(90)).plusSeconds(1));
        assertThat(later.joined()).as("one order over 100 left in the window").isEmpty();
    }

    @Test
    void aTimeBasedConditionSaysWhenItComesTrue() {
        SegmentSet segments = set(Map.of("lapsed", LAPSED));
        CustomerProfile profile = order(segments, profile(Map.of(), Map.of()), 30, T0);
        assertThat(profile.segments().joined()).isEmpty();
        assertThat(profile.segments().recheckAt()).isEqualTo(T0.plus(Duration.ofDays(60)));

        assertThat(segments.evaluate(profile, null, T0.plus(Duration.ofDays(59))).joined()).isEmpty();
        SegmentMembership due = segments.evaluate(profile, null, T0.plus(Duration.ofDays(60)).plusSeconds(1));
        assertThat(due.joined()).containsOnlyKeys("lapsed");
        assertThat(due.recheckAt()).as("nothing can change by time any more").isNull();
    }

    @Test
    void aCustomerWhoRefusedMarketingEmailIsNotInTheSegment() {
        SegmentSet segments = set(Map.of("big-spender", BIG_SPENDER, "german-big-spender", GERMAN_BIG_SPENDER));
        CustomerProfile profile = profile(Map.of("country", "DE"), Map.of("email.marketing", false));
        profile = order(segments, profile, 150, T0);
        profile = order(segments, profile, 150, T0.plusSeconds(60));
        assertThat(profile.segments().joined()).containsOnlyKeys("big-spender");
    }

    @Test
    void aBadConditionIsRefusedNamingIt() {
        assertThatThrownBy(() -> parser.parse("bad", bytes("""
                {"condition": {"all": [{"attribute": "country", "eq": "DE"}, {"trait": "lifetimeValue", "greaterThan": 5}]}}""")))
                .isInstanceOf(SegmentException.class)
                .hasMessageContaining("segment 'bad': condition.all[1] has unknown operator 'greaterThan'")
                .extracting(e -> ((SegmentException) e).condition()).isEqualTo("condition.all[1]");
        assertThatThrownBy(() -> parser.parse("bad", bytes("""
                {"condition": {"any": [{"event": "order_placed", "atLeast": 2, "within": "90 days"}]}}""")))
                .hasMessageContaining("condition.any[0] 'within' must be an ISO-8601 duration");
        assertThatThrownBy(() -> parser.parse("bad", bytes("""
                {"condition": {"not": {"trait": "shoeSize", "gt": 40}}}""")))
                .hasMessageContaining("condition.not names trait 'shoeSize'");
    }

    @Test
    void aCycleOfReferencesAndAnUnknownSegmentLeaveTheirSegmentsOut() {
        SegmentSet segments = set(Map.of(
                "a", "{\"condition\": {\"segment\": \"b\"}}",
                "b", "{\"condition\": {\"all\": [{\"segment\": \"a\"}]}}",
                "c", "{\"condition\": {\"segment\": \"nowhere\"}}",
                "d", "{\"condition\": {\"identity\": \"email\"}}"));
        assertThat(segments.segments()).extracting(Segment::id).containsExactly("d");
        assertThat(segments.problems().get("a").getMessage()).contains("refers back to itself: a → b → a");
        assertThat(segments.problems().get("c").getMessage()).contains("refers to segment 'nowhere', which does not exist");
    }

    private CustomerProfile order(SegmentSet segments, CustomerProfile profile, int total, Instant at) {
        return profile.withSegments(segments.evaluate(profile, new CountedEvent("order_placed", at, Map.of("total", total)), at));
    }

    private static CustomerProfile profile(Map<String, Object> attributes, Map<String, Boolean> consents) {
        return new CustomerProfile("c-1", "c-1@example.com", null, Map.of(), attributes, Map.of(), consents, null, null,
                new ComputedTraits(1, T0, java.math.BigDecimal.TEN, T0, T0), List.of(), 1, Set.of(), T0, T0);
    }

    private SegmentSet set(Map<String, String> sources) {
        Map<String, Segment> parsed = new LinkedHashMap<>();
        Map<String, SegmentException> refused = new LinkedHashMap<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        sources.forEach((id, source) -> {
            files.put(id, bytes(source));
            try {
                parsed.put(id, parser.parse(id, bytes(source)));
            } catch (SegmentException e) {
                refused.put(id, e);
            }
        });
        return SegmentSet.of(1, parsed, refused, files);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
