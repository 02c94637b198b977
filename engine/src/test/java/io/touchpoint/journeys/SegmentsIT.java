package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.profiles.ProfileService;

/**
 * Segments end to end (README "Segments and scheduled journeys"): saved over the API (a bad one refused naming its
 * condition), entered and left by an event, an operator's PATCH, a merge, time passing (the clock moved, the due
 * customers re-checked), and an erase; {@code segment_entered} starts a journey (src/test/resources/journeys/
 * segment-welcome.bpmn) and {@code segment_exited} ends it. The segments a test saves are removed after it, so the
 * other journey tests sharing this context meet none.
 */
class SegmentsIT extends JourneyEndToEnd {

    @Autowired
    RepositoryService repository;
    @Autowired
    ProfileService profiles;
    @Autowired
    ObjectMapper json;

    private final List<String> saved = new java.util.ArrayList<>();

    @BeforeEach
    void deployTheSegmentJourney() throws IOException {
        if (repository.createProcessDefinitionQuery().processDefinitionKey("segmentWelcome").count() == 0) {
            try (InputStream bpmn = SegmentsIT.class.getResourceAsStream("/journeys/segment-welcome.bpmn")) {
                repository.createDeployment().name("segmentWelcome").addInputStream("segment-welcome.bpmn", bpmn).deploy();
            }
        }
    }

    @AfterEach
    void removeTheSegments() throws IOException {
        for (int i = saved.size() - 1; i >= 0; i--) {
            send(request("/api/segments/" + saved.get(i)).header("Authorization", basic(USER, PASSWORD)).DELETE().build());
        }
        backfilled();
    }

    @Test
    void aNewSegmentTakesInTheCustomersWhoMeetItAlreadyPastEventsCounted() throws Exception {
        String customer = customer("backfill-" + UUID.randomUUID() + "@example.com", "\"itBackfill\": \"yes\"");
        event("it_buy", customer, "{\"total\": 150}");
        event("it_buy", customer, "{\"total\": 30}");
        event("it_buy", customer, "{\"total\": 120}");
        String other = customer("backfill-" + UUID.randomUUID() + "@example.com", "\"itBackfill\": \"yes\"");
        event("it_buy", other, "{\"total\": 150}");

        save("it-backfilled", """
                {"condition": {"all": [{"attribute": "itBackfill", "eq": "yes"},
                   {"event": "it_buy", "where": [{"property": "total", "gt": 100}], "atLeast": 2, "within": "P30D"}]}}""");

        JsonNode progress = json.readTree(get("/api/segments").body()).path("backfill");
        assertThat(progress.path("processed").asLong()).isEqualTo(progress.path("total").asLong()).isPositive();
        assertThat(segmentsOf(customer)).containsOnlyKeys("it-backfilled");
        assertThat(segmentsOf(other)).as("one order over 100 only").isEmpty();
        assertThat(segmentEvents(customer)).containsExactly("segment_entered it-backfilled");
        assertThat(journey("segmentWelcome", customer)).isNotNull();
    }

    /**
     * The backfill (customers there before the segments), live membership (the same customers again, made after the
     * segments were saved) and the preview of the same condition agree, on a condition of every kind: attribute,
     * trait, consent, identity, an event count in a window with a property filter, a nested segment and not.
     */
    @Test
    void backfillLiveMembershipAndPreviewAgreeOnEveryKindOfCondition() throws Exception {
        String tag = "mix-" + UUID.randomUUID();
        String condition = """
                {"all": [{"attribute": "itMixTag", "eq": "%s"}, {"not": {"segment": "it-mix-churned"}},
                   {"any": [{"event": "it_mix_buy", "where": [{"property": "total", "gt": 100}], "atLeast": 2, "within": "P30D"},
                            {"all": [{"consent": "email", "purpose": "marketing"}, {"identity": "phone"}, {"trait": "eventCount", "gte": 3}]}]}]}"""
                .formatted(tag);
        Map<String, Boolean> expected = new java.util.LinkedHashMap<>();
        Map<String, Boolean> before = mixedCustomers(tag, "before", expected);

        save("it-mix-churned", "{\"condition\": {\"attribute\": \"itMixChurned\", \"eq\": true}}");
        save("it-mix", "{\"condition\": " + condition + "}");
        mixedCustomers(tag, "after", expected);

        for (String customer : expected.keySet()) {
            assertThat(segmentsOf(customer).containsKey("it-mix")).as(customer + (before.containsKey(customer) ? " (backfilled)" : " (live)"))
                    .isEqualTo(expected.get(customer));
        }
        HttpResponse<String> preview = post("/api/segments/preview", "{\"condition\": " + condition + ", \"sampleSize\": 100}");
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        JsonNode audience = json.readTree(preview.body());
        List<String> members = expected.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        assertThat(json.convertValue(audience.path("sample"), List.class)).containsExactlyInAnyOrderElementsOf(members);
        assertThat(audience.path("count").asLong()).isEqualTo(members.size());
    }

    /**
     * One customer of each shape the mixed condition tells apart (customer id → whether it meets it), added to
     * {@code expected}: two big orders in the window; one big and one small; a reachable regular (consent, phone, 3
     * events); a regular who refused marketing email; a regular without a phone; a big buyer who churned.
     */
    private Map<String, Boolean> mixedCustomers(String tag, String generation, Map<String, Boolean> expected) {
        Map<String, Boolean> shapes = new java.util.LinkedHashMap<>();
        shapes.put(mixed(tag, generation + "-big-buyer", false, null, false, 150, 120), true);
        shapes.put(mixed(tag, generation + "-one-big-order", false, null, false, 150, 30), false);
        shapes.put(mixed(tag, generation + "-regular", true, null, false, 10, 10), true);
        shapes.put(mixed(tag, generation + "-refused-email", true, false, false, 10, 10), false);
        shapes.put(mixed(tag, generation + "-no-phone", false, null, false, 10, 10), false);
        shapes.put(mixed(tag, generation + "-churned-big-buyer", true, null, true, 150, 120), false);
        expected.putAll(shapes);
        return shapes;
    }

    private String mixed(String tag, String name, boolean phone, Boolean marketingEmail, boolean churned, int firstTotal, int secondTotal) {
        String id = "c-" + name + "-" + UUID.randomUUID();
        assertThat(post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "identities": {"email": "%s@example.com"%s},
                 "properties": {"traits": {"itMixTag": "%s", "itMixChurned": %s}%s}}""".formatted(id, id, phone ? ", \"phone\": \"+4915100000001\"" : "",
                tag, churned, marketingEmail == null ? "" : ", \"consents\": {\"email.marketing\": " + marketingEmail + "}")).statusCode()).isEqualTo(202);
        event("it_mix_buy", id, "{\"total\": " + firstTotal + "}");
        event("it_mix_buy", id, "{\"total\": " + secondTotal + "}");
        return id;
    }

    /** Waits (bounded) until the backfill of the running segment version has finished. */
    private void backfilled() throws IOException {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode listing = json.readTree(get("/api/segments").body());
            JsonNode backfill = listing.path("backfill");
            return backfill.path("version").asLong() == listing.path("version").asLong() && !backfill.path("finishedAt").isNull()
                    && !backfill.path("finishedAt").isMissingNode();
        });
    }

    @Test
    void aBadSegmentIsRefusedNamingItsConditionAndTheRunningOnesStay() throws Exception {
        save("it-good", "{\"name\": \"Good\", \"condition\": {\"attribute\": \"itGood\", \"exists\": true}}");

        HttpResponse<String> bad = put("it-bad", """
                {"condition": {"all": [{"attribute": "itTier", "eq": "gold"},
                                       {"event": "order_placed", "atLeast": 2, "within": "ninety days"}]}}""");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode problem = json.readTree(bad.body());
        assertThat(problem.path("condition").asText()).isEqualTo("condition.all[1]");
        assertThat(problem.path("detail").asText()).contains("segment 'it-bad': condition.all[1] 'within' must be an ISO-8601 duration");

        HttpResponse<String> cycle = put("it-good", "{\"condition\": {\"segment\": \"it-good\"}}");
        assertThat(cycle.statusCode()).isEqualTo(400);
        assertThat(cycle.body()).contains("refers back to itself: it-good → it-good");

        JsonNode listed = json.readTree(get("/api/segments").body());
        assertThat(listed.path("segments").findValuesAsText("id")).contains("it-good").doesNotContain("it-bad");
        assertThat(get("/api/segments/it-good").body()).contains("\"itGood\"");
        HttpResponse<String> referenced = put("it-uses-good", "{\"condition\": {\"segment\": \"it-good\"}}");
        assertThat(referenced.statusCode()).isEqualTo(200);
        saved.add("it-uses-good");
        HttpResponse<String> removeUsed = send(request("/api/segments/it-good").header("Authorization", basic(USER, PASSWORD)).DELETE().build());
        assertThat(removeUsed.statusCode()).as("a segment another refers to stays").isEqualTo(400);
        assertThat(removeUsed.body()).contains("segment 'it-uses-good'").contains("which does not exist");
    }

    @Test
    void enteringBySegmentEventStartsAJourneyAndLeavingByPatchEndsIt() throws Exception {
        save("it-gold", "{\"name\": \"Gold\", \"condition\": {\"attribute\": \"itTier\", \"eq\": \"gold\"}}");
        String customer = customer("gold-" + UUID.randomUUID() + "@example.com", "\"itTier\": \"silver\"");
        assertThat(journey("segmentWelcome", customer)).isNull();

        event("profile_updated", customer, "{\"traits\": {\"itTier\": \"gold\"}}");

        ProcessInstance journey = journey("segmentWelcome", customer);
        assertThat(journey).as("segment_entered started the journey").isNotNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> trigger = (Map<String, Object>) runtime.getVariable(journey.getId(), JourneyDispatcher.TRIGGER);
        assertThat(trigger).containsEntry("type", "segment_entered");
        assertThat(String.valueOf(((Map<?, ?>) trigger.get("properties")).get("segmentId"))).isEqualTo("it-gold");
        assertThat(segmentsOf(customer)).containsOnlyKeys("it-gold");

        HttpResponse<String> patched = send(request("/api/customers/" + customer + "/attributes").header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"itTier\": \"silver\"}")).build());
        assertThat(patched.statusCode()).isEqualTo(200);

        assertThat(ended(journey)).as("segment_exited ended the journey").isTrue();
        assertThat(segmentsOf(customer)).isEmpty();
        assertThat(segmentEvents(customer)).containsExactly("segment_entered it-gold", "segment_exited it-gold");
    }

    @Test
    void aMergeThatBringsBothHalvesTogetherEntersTheSurvivor() throws Exception {
        save("it-both", """
                {"condition": {"all": [{"attribute": "itHalfA", "eq": "yes"}, {"attribute": "itHalfB", "eq": "yes"}]}}""");
        String emailOfA = "half-a-" + UUID.randomUUID() + "@example.com";
        String a = customer(emailOfA, "\"itHalfA\": \"yes\"");
        String b = "c-" + UUID.randomUUID();
        event("profile_updated", b, "{\"traits\": {\"itHalfB\": \"yes\"}}");
        assertThat(segmentsOf(a)).isEmpty();
        assertThat(segmentsOf(b)).isEmpty();

        assertThat(post("/api/events", """
                {"type": "identify", "customerId": "%s", "identities": {"email": "%s"}}""".formatted(b, emailOfA)).statusCode()).isEqualTo(202);

        assertThat(segmentsOf(b)).containsOnlyKeys("it-both");
        assertThat(segmentEvents(b)).containsExactly("segment_entered it-both");
        assertThat(journey("segmentWelcome", b)).isNotNull();
    }

    @Test
    void anErasedCustomerLeavesEverySegmentAndNothingNamesThemAfterwards() throws Exception {
        save("it-erasable", "{\"condition\": {\"all\": [{\"attribute\": \"itErasable\", \"eq\": true},"
                + " {\"not\": {\"event\": \"it_visit\", \"atLeast\": 1, \"within\": \"P7D\"}}]}}");
        String customer = customer("erase-" + UUID.randomUUID() + "@example.com", "\"itErasable\": true");
        event("it_visit", customer, "{}");
        assertThat(segmentsOf(customer)).isEmpty();
        assertThat(jdbc.queryForObject("select segments_due_at from customer_profile where customer_id = ?", Timestamp.class, customer))
                .as("re-checked when the visit leaves its window").isNotNull();

        assertThat(send(request("/api/customers/" + customer).header("Authorization", basic(USER, PASSWORD)).DELETE().build()).statusCode())
                .isEqualTo(200);
        ClockUtil.setCurrentTime(Date.from(start.plus(Duration.ofDays(8))));
        profiles.recheckDueSegments(500);

        assertThat(get("/api/customers/" + customer).statusCode()).isEqualTo(404);
        assertThat(jdbc.queryForObject("select count(*) from customer_event where customer_id = ?", Integer.class, customer))
                .as("no segment event names the erased customer").isZero();
        assertThat(jdbc.queryForObject("select count(*) from customer_profile where customer_id = ?", Integer.class, customer)).isZero();
    }

    @Test
    void noVisitForSixtyDaysComesTrueWhenTheClockMovesWithoutAnEvent() throws Exception {
        save("it-lapsed", """
                {"name": "Visited this year, but not for 60 days", "condition": {"all": [
                   {"attribute": "itLapseWatch", "eq": true},
                   {"event": "it_visit", "atLeast": 1, "within": "P365D"},
                   {"not": {"event": "it_visit", "atLeast": 1, "within": "P60D"}}]}}""");
        String customer = customer("lapse-" + UUID.randomUUID() + "@example.com", "\"itLapseWatch\": true");
        event("it_visit", customer, "{}");
        assertThat(segmentsOf(customer)).isEmpty();

        ClockUtil.setCurrentTime(Date.from(start.plus(Duration.ofDays(59))));
        profiles.recheckDueSegments(500);
        assertThat(segmentsOf(customer)).isEmpty();

        ClockUtil.setCurrentTime(Date.from(start.plus(Duration.ofDays(60)).plusSeconds(5)));
        assertThat(profiles.recheckDueSegments(500)).isPositive();
        assertThat(segmentsOf(customer)).containsOnlyKeys("it-lapsed");
        assertThat(segmentEvents(customer)).containsExactly("segment_entered it-lapsed");
        assertThat(journey("segmentWelcome", customer)).as("the time-based entry starts the journey too").isNotNull();

        ClockUtil.setCurrentTime(Date.from(start.plus(Duration.ofDays(366))));
        profiles.recheckDueSegments(500);
        assertThat(segmentsOf(customer)).as("the visit left the year's window too").isEmpty();
        assertThat(segmentEvents(customer)).containsExactly("segment_entered it-lapsed", "segment_exited it-lapsed");
    }

    @Test
    void aPreviewCountsTheAudienceOfAConditionBeforeItIsSaved() throws Exception {
        String tier = "bronze-" + UUID.randomUUID();
        String first = customer("p1-" + UUID.randomUUID() + "@example.com", "\"itPreviewTier\": \"" + tier + "\"");
        String second = customer("p2-" + UUID.randomUUID() + "@example.com", "\"itPreviewTier\": \"" + tier + "\"");
        customer("p3-" + UUID.randomUUID() + "@example.com", "\"itPreviewTier\": \"other\"");

        HttpResponse<String> preview = post("/api/segments/preview", """
                {"condition": {"attribute": "itPreviewTier", "eq": "%s"}, "sampleSize": 5}""".formatted(tier));
        assertThat(preview.statusCode()).isEqualTo(200);
        JsonNode audience = json.readTree(preview.body());
        assertThat(audience.path("count").asLong()).isEqualTo(2);
        assertThat(audience.path("scanned").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(json.convertValue(audience.path("sample"), List.class)).containsExactlyInAnyOrder(first, second);

        HttpResponse<String> bad = post("/api/segments/preview", "{\"condition\": {\"attribute\": \"x\", \"between\": [1, 2]}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("condition has unknown operator 'between'");
    }

    private void save(String id, String definition) throws IOException {
        HttpResponse<String> response = put(id, definition);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        saved.add(id);
        backfilled();
    }

    private HttpResponse<String> put(String id, String definition) {
        return send(request("/api/segments/" + id).header("Authorization", basic(USER, PASSWORD)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(definition)).build());
    }

    /** The customer's segments as the customer API shows them: segment id → joined at. */
    private Map<String, Object> segmentsOf(String customerId) throws IOException {
        HttpResponse<String> response = get("/api/customers/" + customerId);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode joined = json.readTree(response.body()).path("segments").path("joined");
        return joined.isMissingNode() ? Map.of() : json.convertValue(joined, Map.class);
    }

    /** The customer's segment events, oldest first, as "type segmentId". */
    private List<String> segmentEvents(String customerId) {
        return jdbc.query("select type, payload from customer_event where customer_id = ? and type like 'segment_%' order by occurred_at, received_at",
                (row, n) -> {
                    try {
                        return row.getString(1) + " " + json.readTree(row.getString(2)).path("properties").path("segmentId").asText();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, customerId);
    }
}
