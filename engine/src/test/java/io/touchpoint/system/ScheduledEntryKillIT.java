package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.touchpoint.journeys.ModelerBpmn;

/**
 * kill -9 in the middle of a scheduled journey's entries: the packaged engine (a process of its own, H2 file
 * database) has a segment of {@link #MEMBERS} customers and a journey scheduled for them now, entered at
 * {@link #ENTRY_RATE} a second; it is SIGKILLed after some hundreds have entered and started again on the same files.
 * Every member ends up entered exactly once: one run and one scheduled entry event each.
 */
class ScheduledEntryKillIT extends KilledEngines {

    private static final Logger log = LoggerFactory.getLogger(ScheduledEntryKillIT.class);
    static final int MEMBERS = 2000;
    static final int ENTRY_RATE = 100;
    static final int KILL_AFTER_ENTERED = 500;
    static final String JOURNEY = "killSchedule";


    final ObjectMapper json = new ObjectMapper();

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // about 90 s on an idle 2-core machine; starts are slow on a busy one
    void aScheduledEntryKilledMidwayResumesAfterTheRestartAndEntersEveryMemberExactlyOnce() throws Exception {
        smtp.start();
        PackagedEngine first = start("first");
        assertThat(first.put("/api/segments/kill-audience", "{\"condition\": {\"attribute\": \"killAudience\", \"eq\": \"yes\"}}").statusCode())
                .isEqualTo(200);
        for (int from = 0; from < MEMBERS; from += 1000) {
            StringBuilder batch = new StringBuilder("[");
            for (int i = from; i < Math.min(MEMBERS, from + 1000); i++) {
                batch.append(i == from ? "" : ",").append("{\"type\": \"profile_updated\", \"customerId\": \"c-sched-%05d\", \"properties\": {\"traits\": {\"killAudience\": \"yes\"}}}".formatted(i));
            }
            HttpResponse<String> accepted = first.post("/api/events/batch", batch.append("]").toString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> members(first) == MEMBERS);

        // once, a minute ago in UTC (the members have no time zone): due at once for every member
        String now = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).minusMinutes(1).toString();
        HttpResponse<String> deployed = first.deploy("kill-schedule.bpmn", journey("once " + now));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> runs(first) >= KILL_AFTER_ENTERED);
        long enteredBeforeTheKill = runs(first);
        first.kill();
        log.info("Killed the engine after {} of {} members entered", enteredBeforeTheKill, MEMBERS);
        assertThat(enteredBeforeTheKill).as("killed midway").isLessThan(MEMBERS);

        PackagedEngine second = start("second");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> finished(second));
        second.stop();

        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + home.resolve("data/touchpoint"), "sa", "")) {
            JdbcTemplate db = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
            Map<String, Integer> runs = new HashMap<>();
            db.query("select business_key_, count(*) from act_hi_procinst where proc_def_key_ = ? group by business_key_",
                    (java.sql.ResultSet row) -> { runs.put(row.getString(1), row.getInt(2)); }, JOURNEY);
            assertThat(runs).as("every member entered").hasSize(MEMBERS);
            assertThat(runs.values()).as("nobody entered twice").allMatch(count -> count == 1);
            assertThat(db.queryForObject("select count(distinct customer_id) from customer_event where type = 'kill_schedule_due'", Integer.class))
                    .isEqualTo(MEMBERS);
            assertThat(db.queryForObject("select count(*) from customer_event where type = 'kill_schedule_due'", Integer.class)).isEqualTo(MEMBERS);
            assertThat(db.queryForMap("select planned, entered, passed_over from scheduled_occurrence where journey_key = ?", JOURNEY))
                    .containsValues((long) MEMBERS, (long) MEMBERS, 0L);
            assertThat(db.queryForObject("select count(*) from scheduled_entry", Integer.class)).isZero();
        }
    }

    private long members(PackagedEngine engine) throws IOException {
        HttpResponse<String> page = engine.get("/api/segments/kill-audience/members?size=1");
        return page.statusCode() == 200 ? json.readTree(page.body()).path("total").asLong() : -1;
    }

    private long runs(PackagedEngine engine) throws IOException {
        HttpResponse<String> count = engine.get("/engine-rest/history/process-instance/count?processDefinitionKey=" + JOURNEY);
        return count.statusCode() == 200 ? json.readTree(count.body()).path("count").asLong() : -1;
    }

    /** Whether the occurrence has no member left to enter. */
    private boolean finished(PackagedEngine engine) throws IOException {
        HttpResponse<String> occurrences = engine.get("/api/journeys/schedules");
        if (occurrences.statusCode() != 200) {
            return false;
        }
        for (JsonNode occurrence : json.readTree(occurrences.body())) {
            if (occurrence.path("journeyKey").asText().equals(JOURNEY)) {
                return occurrence.hasNonNull("finishedAt");
            }
        }
        return false;
    }

    private static String journey(String schedule) {
        return ModelerBpmn.saved("""
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                                  id="Definitions_KillSchedule" targetNamespace="https://touchpoint.io/journeys/test">
                  <bpmn:message id="Message_Due" name="kill_schedule_due" />
                  <bpmn:process id="%s" isExecutable="true" camunda:historyTimeToLive="1">
                    <bpmn:extensionElements><camunda:properties>
                      <camunda:property name="reentry" value="always" /><camunda:property name="singleActive" value="false" />
                      <camunda:property name="audienceSegment" value="kill-audience" />
                      <camunda:property name="schedule" value="%s" />
                      <camunda:property name="entryRate" value="%d" />
                    </camunda:properties></bpmn:extensionElements>
                    <bpmn:startEvent id="Start_Due"><bpmn:messageEventDefinition messageRef="Message_Due" /></bpmn:startEvent>
                    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Due" targetRef="End" />
                    <bpmn:endEvent id="End" />
                  </bpmn:process>
                </bpmn:definitions>
                """.formatted(JOURNEY, schedule, ENTRY_RATE));
    }

    private PackagedEngine start(String name) throws IOException {
        return start(name, "scheduled-entry-kill", List.of("--touchpoint.schedules.check-every=PT1S"));
    }
}
