package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Scheduled journeys (README "Segments and scheduled journeys"): a segment's members entered at the schedule's local
 * time in each one's time zone, once per occurrence, as the engine clock moves over the day; a bad schedule refused at
 * deployment naming the setting; the segment members API. The test runs the scheduler's round itself
 * ({@link ScheduledEntries#runDue}) after each move of the clock, as the background round would within seconds.
 */
class ScheduledJourneysIT extends JourneyIT {

    @Autowired
    ScheduledEntries scheduler;
    @Autowired
    HistoryService history;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper json;
    @Autowired
    org.camunda.bpm.engine.ProcessEngineConfiguration processEngineConfiguration;

    private final List<String> segments = new ArrayList<>();
    private final List<String> journeys = new ArrayList<>();

    @AfterEach
    void unscheduleAndRemoveTheSegments() {
        ClockUtil.reset();
        for (String key : journeys) { // a version without a schedule, so that no later test meets this one
            assertThat(deployOverRest(key + ".bpmn", journey(key, Map.of())).statusCode()).isEqualTo(200);
        }
        for (String id : segments) {
            send(request("/api/segments/" + id).header("Authorization", basic(USER, PASSWORD)).DELETE().build());
        }
    }

    @Test
    void aDailyScheduleEntersEachMemberAtNineInTheirOwnTimeZoneOnceADay() throws Exception {
        String tag = tag();
        String segment = segment("it-daily-" + tag, tag);
        String tokyo = member(tag, "Asia/Tokyo");
        String berlin = member(tag, "Europe/Berlin");
        String newYork = member(tag, "America/New_York");
        String key = scheduled("itDaily", Map.of("audienceSegment", segment, "schedule", "daily 09:00", "entryRate", "1000"));

        at("2027-01-09T23:59:00Z"); // 08:59 in Tokyo
        assertThat(entries(key, tokyo, berlin, newYork)).containsExactly(0L, 0L, 0L);
        at("2027-01-10T00:00:01Z"); // 09:00 in Tokyo
        assertThat(entries(key, tokyo, berlin, newYork)).containsExactly(1L, 0L, 0L);
        at("2027-01-10T07:59:00Z"); // 08:59 in Berlin
        assertThat(entries(key, tokyo, berlin, newYork)).containsExactly(1L, 0L, 0L);
        at("2027-01-10T08:00:30Z");
        assertThat(entries(key, tokyo, berlin, newYork)).containsExactly(1L, 1L, 0L);
        at("2027-01-10T14:00:30Z"); // 09:00 in New York
        assertThat(entries(key, tokyo, berlin, newYork)).containsExactly(1L, 1L, 1L);
        at("2027-01-10T20:00:00Z");
        assertThat(entries(key, tokyo, berlin, newYork)).as("once per occurrence").containsExactly(1L, 1L, 1L);
        at("2027-01-11T00:00:30Z"); // the next day in Tokyo
        assertThat(entries(key, tokyo, berlin, newYork)).containsExactly(2L, 1L, 1L);

        assertThat(jdbc.queryForMap("select planned, entered, passed_over from scheduled_occurrence where journey_key = ? and occurrence = ?",
                key, "2027-01-10T09:00")).containsValues(3L, 3L, 0L);
        JsonNode entry = json.readTree(jdbc.queryForObject("select payload from customer_event where customer_id = ? and type = ?", String.class,
                berlin, key + "_due"));
        assertThat(entry.path("occurredAt").asText()).as("09:00 in Berlin").isEqualTo("2027-01-10T08:00:00Z");
        assertThat(entry.path("properties").path("occurrence").asText()).isEqualTo("2027-01-10T09:00");
        assertThat(entry.path("properties").path("audienceSegment").asText()).isEqualTo(segment);
    }

    @Test
    void aOnceScheduleEntersAtItsLocalTimeOnlyThoseStillInTheSegment() throws Exception {
        String tag = tag();
        String segment = segment("it-once-" + tag, tag);
        String london = member(tag, "Europe/London");
        String losAngeles = member(tag, "America/Los_Angeles");
        String leaves = member(tag, "America/Los_Angeles");
        String key = scheduled("itOnce", Map.of("audienceSegment", segment, "schedule", "once 2027-12-24T10:00"));

        at("2027-12-24T10:00:05Z");
        assertThat(entries(key, london, losAngeles, leaves)).containsExactly(1L, 0L, 0L);
        event("profile_updated", leaves, "{\"traits\": {\"itScheduleTag\": \"gone\"}}"); // leaves the segment before 10:00 in LA
        at("2027-12-24T18:00:05Z");
        assertThat(entries(key, london, losAngeles, leaves)).containsExactly(1L, 1L, 0L);
        at("2027-12-26T18:00:05Z");
        assertThat(entries(key, london, losAngeles, leaves)).as("once").containsExactly(1L, 1L, 0L);
        assertThat(jdbc.queryForMap("select planned, entered, passed_over from scheduled_occurrence where journey_key = ?", key))
                .containsValues(3L, 2L, 1L);
        assertThat(jdbc.queryForObject("select finished_at from scheduled_occurrence where journey_key = ?", java.sql.Timestamp.class, key)).isNotNull();
    }

    @Test
    void entriesTakenInBeforeACrashThatLeftTheirRowsAreNotEnteredAgain() throws Exception {
        String tag = tag();
        String segment = segment("it-crash-" + tag, tag);
        String first = member(tag, "UTC");
        String second = member(tag, "UTC");
        String key = scheduled("itCrash", Map.of("audienceSegment", segment, "schedule", "once 2028-03-01T09:00"));
        at("2028-03-01T09:00:01Z");
        assertThat(entries(key, first, second)).containsExactly(1L, 1L);

        // as if the engine died after the intake committed the entries and before their rows were deleted
        for (String customer : List.of(first, second)) {
            jdbc.update("insert into scheduled_entry (journey_key, occurrence, customer_id, due_at) values (?, '2028-03-01T09:00', ?, ?)",
                    key, customer, java.sql.Timestamp.from(Instant.parse("2028-03-01T09:00:00Z")));
        }
        at("2028-03-01T09:05:00Z");

        assertThat(entries(key, first, second)).as("the event ids are the same: the intake takes each in once").containsExactly(1L, 1L);
        assertThat(jdbc.queryForObject("select count(*) from scheduled_entry where journey_key = ?", Integer.class, key)).isZero();
        JsonNode progress = json.readTree(get("/api/journeys/schedules").body());
        assertThat(progress.findValues("journeyKey").stream().map(JsonNode::asText)).contains(key);
    }

    @Test
    void aJourneyWhoseSegmentWasRemovedAfterItsDeploymentIsStillReadAndTheIntakeGoesOn() throws Exception {
        String tag = tag();
        String segment = segment("it-removed-" + tag, tag);
        String key = scheduled("itRemoved", Map.of("audienceSegment", segment, "schedule", "daily 09:00"));
        String definition = repository.createProcessDefinitionQuery().processDefinitionKey(key).latestVersion().singleResult().getId();
        assertThat(send(request("/api/segments/" + segment).header("Authorization", basic(USER, PASSWORD)).DELETE().build()).statusCode()).isEqualTo(204);

        // as another node or a restart reads it: from the database, parsed again
        ((org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl) processEngineConfiguration).getDeploymentCache().discardProcessDefinitionCache();
        assertThat(repository.getProcessDefinition(definition).getKey()).isEqualTo(key);
        String customer = customer();
        assertThat(post("/api/events", """
                {"type": "%s_due", "customerId": "%s", "properties": {}}""".formatted(key, customer)).statusCode()).isEqualTo(202);
        assertThat(entries(key, customer)).as("the journey still starts").containsExactly(1L);
    }

    @Test
    void aBadScheduleIsRefusedAtDeploymentNamingTheSetting() {
        HttpResponse<String> weekly = deployOverRest("bad.bpmn", journey("itBadSchedule", Map.of("audienceSegment", "vip", "schedule", "weekly 09:00")));
        assertThat(weekly.statusCode()).isEqualTo(400);
        assertThat(weekly.body()).contains("'schedule' is 'weekly 09:00', not 'daily HH:mm'");

        HttpResponse<String> hour = deployOverRest("bad.bpmn", journey("itBadSchedule", Map.of("audienceSegment", "vip", "schedule", "daily 25:00")));
        assertThat(hour.statusCode()).isEqualTo(400);
        assertThat(hour.body()).contains("'schedule' is 'daily 25:00'");

        HttpResponse<String> rate = deployOverRest("bad.bpmn", journey("itBadSchedule", Map.of("audienceSegment", "vip", "schedule", "daily 09:00",
                "entryRate", "0")));
        assertThat(rate.statusCode()).isEqualTo(400);
        assertThat(rate.body()).contains("'entryRate' is '0'");

        HttpResponse<String> unknown = deployOverRest("bad.bpmn", journey("itBadSchedule", Map.of("audienceSegment", "it-no-such-segment",
                "schedule", "daily 09:00")));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("'audienceSegment' is 'it-no-such-segment', but no segment of that id is running");

        HttpResponse<String> noSegment = deployOverRest("bad.bpmn", journey("itBadSchedule", Map.of("schedule", "daily 09:00")));
        assertThat(noSegment.statusCode()).isEqualTo(400);
        assertThat(noSegment.body()).contains("'audienceSegment' is empty");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("itBadSchedule").count()).isZero();
    }

    @Test
    void theMembersOfASegmentAreListedAPageAtATimeAndCountedInTheList() throws Exception {
        String tag = tag();
        String segment = segment("it-members-" + tag, tag);
        List<String> customers = new ArrayList<>(List.of(member(tag, "UTC"), member(tag, "UTC"), member(tag, "UTC")));
        customers.sort(String::compareTo);

        JsonNode first = json.readTree(get("/api/segments/" + segment + "/members?page=0&size=2").body());
        assertThat(first.path("total").asLong()).isEqualTo(3);
        assertThat(first.path("members").findValuesAsText("customerId")).containsExactly(customers.get(0), customers.get(1));
        assertThat(first.path("members").get(0).path("joinedAt").asText()).isNotEmpty();
        JsonNode second = json.readTree(get("/api/segments/" + segment + "/members?page=1&size=2").body());
        assertThat(second.path("members").findValuesAsText("customerId")).containsExactly(customers.get(2));

        event("profile_updated", customers.get(0), "{\"traits\": {\"itScheduleTag\": \"gone\"}}");
        assertThat(membersListed(segment)).isEqualTo(2);
        assertThat(json.readTree(get("/api/segments/" + segment + "/members").body()).path("members").findValuesAsText("customerId"))
                .containsExactly(customers.get(1), customers.get(2));

        assertThat(get("/api/segments/" + segment + "/members?size=501").statusCode()).isEqualTo(400);
        assertThat(get("/api/segments/no-such-segment/members").statusCode()).isEqualTo(404);
    }

    private long membersListed(String segment) throws IOException {
        for (JsonNode listed : json.readTree(get("/api/segments").body()).path("segments")) {
            if (listed.path("id").asText().equals(segment)) {
                return listed.path("members").asLong();
            }
        }
        throw new AssertionError("segment " + segment + " is not listed");
    }

    @Autowired
    org.camunda.bpm.engine.RepositoryService repository;

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Moves the engine clock and runs the scheduler's round. */
    private void at(String instant) {
        ClockUtil.setCurrentTime(Date.from(Instant.parse(instant)));
        scheduler.runDue();
    }

    /** How many runs of the journey each customer has had, in their order. */
    private List<Long> entries(String key, String... customers) {
        List<Long> counts = new ArrayList<>();
        for (String customer : customers) {
            counts.add(history.createHistoricProcessInstanceQuery().processDefinitionKey(key).processInstanceBusinessKey(customer).count());
        }
        return counts;
    }

    /** A segment of the customers whose trait itScheduleTag is {@code tag}, saved over the API. */
    private String segment(String id, String tag) throws IOException {
        HttpResponse<String> saved = send(request("/api/segments/" + id).header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"condition\": {\"attribute\": \"itScheduleTag\", \"eq\": \"" + tag + "\"}}")).build());
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        segments.add(id);
        long version = json.readTree(saved.body()).path("version").asLong();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode backfill = json.readTree(get("/api/segments").body()).path("backfill");
            return backfill.path("version").asLong() >= version && backfill.hasNonNull("finishedAt");
        });
        return id;
    }

    /** A new customer in the segment of {@code tag}, living in {@code zone}. */
    private String member(String tag, String zone) {
        String customer = customer();
        event("profile_updated", customer, "{\"timeZone\": \"" + zone + "\", \"traits\": {\"itScheduleTag\": \"" + tag + "\"}}");
        return customer;
    }

    /** Deploys a scheduled journey (a fresh key) that lets a customer in any number of times: only the schedule keeps entries single. */
    private String scheduled(String prefix, Map<String, String> schedule) {
        String key = prefix + tag().replace("-", "");
        HttpResponse<String> deployed = deployOverRest(key + ".bpmn", journey(key, schedule));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        journeys.add(key);
        return key;
    }

    /** A journey started by the message {@code <key>_due} that ends at once, with these journey settings besides re-entry always. */
    static String journey(String key, Map<String, String> settings) {
        StringBuilder properties = new StringBuilder("<camunda:property name=\"reentry\" value=\"always\" /><camunda:property name=\"singleActive\" value=\"false\" />");
        settings.forEach((name, value) -> properties.append("<camunda:property name=\"").append(name).append("\" value=\"").append(value).append("\" />"));
        return ModelerBpmn.saved("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_%1$s" targetNamespace="https://touchpoint.io/journeys">
                  <bpmn:message id="Message_Due" name="%1$s_due" />
                  <bpmn:process id="%1$s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:extensionElements><camunda:properties>%2$s</camunda:properties></bpmn:extensionElements>
                    <bpmn:startEvent id="Start_Due"><bpmn:messageEventDefinition messageRef="Message_Due" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Due" targetRef="End" />
                    <bpmn:endEvent id="End" />
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(key, properties));
    }
}
