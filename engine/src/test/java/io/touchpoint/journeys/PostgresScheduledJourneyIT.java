package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.EngineIT;
import io.touchpoint.PostgresTest;

/**
 * The segment member list and a scheduled journey on PostgreSQL (the SQL of {@code events.SegmentMembers} and
 * {@link ScheduledEntries}): members listed, an occurrence planned and its members entered once at their local time.
 */
@PostgresTest
class PostgresScheduledJourneyIT extends EngineIT {

    @Autowired
    ScheduledEntries scheduler;
    @Autowired
    RepositoryService repository;
    @Autowired
    HistoryService history;
    @Autowired
    ObjectMapper json;

    private String segment;
    private String key;

    @AfterEach
    void unschedule() {
        ClockUtil.reset();
        if (key != null) {
            repository.createDeployment().addString(key + ".bpmn", ScheduledJourneysIT.journey(key, Map.of())).deploy();
        }
        if (segment != null) {
            send(request("/api/segments/" + segment).header("Authorization", basic(USER, PASSWORD)).DELETE().build());
        }
    }

    @Test
    void membersAreListedAndAScheduledJourneyEntersEachAtItsLocalTimeOnce() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        segment = "pg-sched-" + tag;
        HttpResponse<String> saved = send(request("/api/segments/" + segment).header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"condition\": {\"attribute\": \"pgTag\", \"eq\": \"" + tag + "\"}}")).build());
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        long version = json.readTree(saved.body()).path("version").asLong();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode backfill = json.readTree(get("/api/segments").body()).path("backfill");
            return backfill.path("version").asLong() >= version && backfill.hasNonNull("finishedAt");
        });
        String tokyo = member(tag, "Asia/Tokyo");
        String paris = member(tag, "Europe/Paris");
        JsonNode members = json.readTree(get("/api/segments/" + segment + "/members?page=0&size=1").body());
        assertThat(members.path("total").asLong()).isEqualTo(2);
        assertThat(members.path("members")).hasSize(1);

        key = "pgScheduled" + tag;
        repository.createDeployment().addString(key + ".bpmn", ScheduledJourneysIT.journey(key,
                Map.of("audienceSegment", segment, "schedule", "daily 09:00", "entryRate", "1000"))).deploy();
        at("2029-05-01T00:00:05Z"); // 09:00 in Tokyo
        assertThat(runs(tokyo)).isEqualTo(1);
        assertThat(runs(paris)).isZero();
        at("2029-05-01T07:00:05Z"); // 09:00 in Paris (summer time)
        at("2029-05-01T12:00:00Z");
        assertThat(runs(tokyo)).isEqualTo(1);
        assertThat(runs(paris)).isEqualTo(1);
        JsonNode progress = json.readTree(get("/api/journeys/schedules").body());
        assertThat(progress.findValues("journeyKey").stream().map(JsonNode::asText)).contains(key);
    }

    private void at(String instant) {
        ClockUtil.setCurrentTime(Date.from(Instant.parse(instant)));
        scheduler.runDue();
    }

    private long runs(String customer) {
        return history.createHistoricProcessInstanceQuery().processDefinitionKey(key).processInstanceBusinessKey(customer).count();
    }

    private String member(String tag, String zone) {
        String customer = "c-" + UUID.randomUUID();
        assertThat(post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "properties": {"timeZone": "%s", "traits": {"pgTag": "%s"}}}"""
                .formatted(customer, zone, tag)).statusCode()).isEqualTo(202);
        return customer;
    }
}
