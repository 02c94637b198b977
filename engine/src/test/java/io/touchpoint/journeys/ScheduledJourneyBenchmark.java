package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import io.touchpoint.profiles.ProfileService;
import io.touchpoint.profiles.ProfileUpdate;

/**
 * A daily journey at 09:00 local time for a 100,000-member segment, its members in four time zones (Tokyo, Berlin,
 * London, New York; 25,000 each): for each zone, how long after 09:00 local the last of its members is entered, and
 * that nobody is entered twice. The whole engine in process on an H2 file database, the engine clock moved to each
 * zone's 09:00 and the scheduler's round run at once (its background round is off here); the entry rate at its
 * maximum, so the figure is what the engine can do, not the throttle. The members are set up directly (profiles with
 * their time zone, rows of the member list), not through 100,000 segment events. Logs the figures, asserts nothing
 * about speed. Run: {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=ScheduledJourneyBenchmark}
 */
@TestPropertySource(properties = {"spring.datasource.url=jdbc:h2:file:./target/schedule-benchmark-${random.uuid}/touchpoint;${touchpoint.h2-settings}",
        "camunda.bpm.process-engine-name=scheduledJourneyBenchmark", "touchpoint.schedules.check-every=PT0S"})
class ScheduledJourneyBenchmark extends JourneyIT {

    private static final Logger log = LoggerFactory.getLogger(ScheduledJourneyBenchmark.class);
    private static final int MEMBERS = Integer.getInteger("benchmark.members", 100_000);
    private static final List<String> ZONES = List.of("Asia/Tokyo", "Europe/Berlin", "Europe/London", "America/New_York");
    /** 09:00 on 2027-01-10 in each zone (winter: +9, +1, 0, -5), a second after. */
    private static final List<String> NINE_LOCAL = List.of("2027-01-10T00:00:01Z", "2027-01-10T08:00:01Z", "2027-01-10T09:00:01Z",
            "2027-01-10T14:00:01Z");

    @Autowired
    ProfileService profiles;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ScheduledEntries scheduler;
    @Autowired
    org.camunda.bpm.engine.RepositoryService repository;

    @AfterEach
    void resetTheClock() {
        ClockUtil.reset();
    }

    @Test
    void aHundredThousandMembersEnteredAtNineInTheirTimeZones() {
        long setUp = System.nanoTime();
        IntStream.range(0, MEMBERS).parallel().forEach(i -> profiles.apply(customer(i), ProfileUpdate.of(Map.of(),
                Map.of("timeZone", ZONES.get(i % ZONES.size()), "traits", Map.of("tier", "vip")), Instant.now()).forEvent("bench-" + i, "signed_up", Instant.now())));
        List<Object[]> rows = new ArrayList<>();
        IntStream.range(0, MEMBERS).forEach(i -> rows.add(new Object[] {"bench-vip", customer(i), Timestamp.from(Instant.now())}));
        jdbc.batchUpdate("insert into segment_member (segment_id, customer_id, joined_at) values (?, ?, ?)", rows);
        log.info("BENCHMARK scheduled journey: {} members set up in {} s", MEMBERS, (System.nanoTime() - setUp) / 1_000_000_000);

        // the segment must be running for the deployment; its condition is one these profiles do not meet, so saving it
        // enters nobody: the members are the rows written above
        assertThat(send(request("/api/segments/bench-vip").header("Authorization", basic(USER, PASSWORD)).header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"condition\": {\"attribute\": \"benchVip\", \"eq\": \"yes\"}}")).build())
                .statusCode()).isEqualTo(200);
        repository.createDeployment().addString("bench-daily.bpmn", ScheduledJourneysIT.journey("benchDaily",
                Map.of("audienceSegment", "bench-vip", "schedule", "daily 09:00", "entryRate", "10000"))).deploy();

        ClockUtil.setCurrentTime(Date.from(Instant.parse("2027-01-09T23:00:00Z"))); // the occurrence is planned, nobody due yet
        long planning = System.nanoTime();
        scheduler.runDue();
        log.info("BENCHMARK scheduled journey: occurrence planned for {} members in {} ms (in-process, H2 file)", MEMBERS,
                (System.nanoTime() - planning) / 1_000_000);
        for (int zone = 0; zone < ZONES.size(); zone++) {
            ClockUtil.setCurrentTime(Date.from(Instant.parse(NINE_LOCAL.get(zone))));
            long started = System.nanoTime();
            scheduler.runDue();
            long took = (System.nanoTime() - started) / 1_000_000;
            log.info("BENCHMARK scheduled journey: {} members in {} entered {} ms after 09:00 local ({} entries/s; in-process, H2 file, 2 shared cores)",
                    MEMBERS / ZONES.size(), ZONES.get(zone), took, MEMBERS / ZONES.size() * 1000L / Math.max(took, 1));
        }

        Long runs = jdbc.queryForObject("select count(*) from act_hi_procinst where proc_def_key_ = 'benchDaily'", Long.class);
        Long customers = jdbc.queryForObject("select count(distinct business_key_) from act_hi_procinst where proc_def_key_ = 'benchDaily'", Long.class);
        log.info("BENCHMARK scheduled journey: {} runs of {} customers", runs, customers);
        assertThat(runs).as("every member entered, none twice").isEqualTo((long) MEMBERS).isEqualTo(customers);
    }

    private static String customer(int i) {
        return "c-bench-%06d".formatted(i);
    }
}
