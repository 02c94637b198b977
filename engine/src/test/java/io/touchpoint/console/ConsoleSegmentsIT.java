package io.touchpoint.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The console's segments, the way an operator meets them in headless Chromium: the list with each segment's members
 * now and a week ago, a segment's size per day, its members paged and linked to the customer page, and the customer
 * page listing the customer's segments with when they joined. The figures are checked against the API and the
 * database; sizes of earlier days come from the daily count ({@code segment_size}).
 */
class ConsoleSegmentsIT extends ConsoleIT {

    private static final String SEGMENT = "it-console-vip";
    private static final String EMPTY = "it-console-empty";

    @Autowired
    ObjectMapper json;

    @AfterEach
    void removeTheSegment() {
        send(request("/api/segments/" + SEGMENT).header("Authorization", basic(USER, PASSWORD)).DELETE().build());
        send(request("/api/segments/" + EMPTY).header("Authorization", basic(USER, PASSWORD)).DELETE().build());
    }

    @Test
    void theSegmentsPageShowsSizesOverTimeAndMembersPagedAndTheCustomerPageTheCustomersSegments() throws Exception {
        String tier = "vip-" + UUID.randomUUID();
        HttpResponse<String> saved = send(request("/api/segments/" + SEGMENT).header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("""
                        {"name": "Console VIPs", "description": "Customers of the console test's tier",
                         "condition": {"attribute": "itConsoleTier", "eq": "%s"}}""".formatted(tier))).build());
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 27; i++) {
            String customer = "c-seg-" + i + "-" + UUID.randomUUID();
            assertThat(post("/api/events", """
                    {"type": "profile_updated", "customerId": "%s", "properties": {"traits": {"itConsoleTier": "%s"}}}"""
                    .formatted(customer, tier)).statusCode()).isEqualTo(202);
            members.add(customer);
        }
        String outsider = "c-seg-out-" + UUID.randomUUID();
        post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "properties": {"traits": {"itConsoleTier": "other"}}}""".formatted(outsider));
        Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> membersNow() == 27);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        jdbc.update("insert into segment_size (segment_id, counted_on, members) values (?, ?, 4), (?, ?, 11)",
                SEGMENT, Date.valueOf(today.minusDays(7)), SEGMENT, Date.valueOf(today.minusDays(2)));

        try (Browser browser = new Browser(port)) {
            browser.signIn("viewer", "viewer");
            browser.open("/console/#/segments");
            browser.waitForText(By.cssSelector("#segments tr[data-key='" + SEGMENT + "']"), "Console VIPs");
            assertThat(browser.all(By.cssSelector("#segments tr[data-key='" + SEGMENT + "'] td")).stream().map(c -> c.getText()).toList())
                    .as("segment, name, members now, a week ago").startsWith(SEGMENT, "Console VIPs", "27", "4");

            browser.find(By.linkText(SEGMENT)).click();
            browser.waitForText(By.id("segment-members-now"), "27 members now");
            assertThat(browser.find(By.cssSelector("h1")).getText()).isEqualTo("Segment Console VIPs");
            assertThat(browser.all(By.cssSelector("#segment-sizes tbody tr")).stream().map(r -> r.getText()).toList())
                    .containsExactly(today + " 27", today.minusDays(2) + " 11", today.minusDays(7) + " 4");
            assertThat(browser.all(By.cssSelector("#segment-chart canvas"))).as("the chart is drawn").isNotEmpty();
            assertThat(browser.find(By.id("segment-definition")).getText()).contains("itConsoleTier");
            assertThat(browser.all(By.cssSelector("#segment-members tbody tr"))).hasSize(25);
            browser.screenshot("segment");
            browser.waitForText(By.id("segment-members-pager"), "1–25 of 27 members");
            browser.find(By.cssSelector("#segment-members-pager .next")).click();
            browser.waitForText(By.id("segment-members-pager"), "26–27 of 27 members");
            List<String> lastPage = browser.all(By.cssSelector("#segment-members tbody tr td:first-child")).stream().map(c -> c.getText()).toList();
            assertThat(lastPage).hasSize(2).allMatch(members::contains);
            assertThat(browser.accessibilityViolations()).isEmpty();

            browser.find(By.linkText(lastPage.get(0))).click();
            String segments = browser.waitForText(By.id("customer-segments"), SEGMENT);
            assertThat(segments).contains(browser.localTime(joinedAt(lastPage.get(0))));
            browser.open("/console/#/customers/" + outsider);
            browser.waitForText(By.id("customer-segments"), "In no segment.");
        }
    }

    @Test
    void theDailyCountWritesTodaysRowOfEverySegmentAndTheSizesApiNamesABadDays() throws Exception {
        HttpResponse<String> saved = send(request("/api/segments/" + EMPTY).header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"condition\": {\"attribute\": \"itConsoleNobody\", \"eq\": \"" + UUID.randomUUID() + "\"}}")).build());
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(sizes.count()).containsEntry(EMPTY, 0L);
        assertThat(jdbc.queryForObject("select members from segment_size where segment_id = ? and counted_on = ?", Long.class,
                EMPTY, Date.valueOf(LocalDate.now(ZoneOffset.UTC)))).isZero();
        HttpResponse<String> bad = get("/api/segments/" + EMPTY + "/sizes?days=0");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("days");
        assertThat(get("/api/segments/no-such-segment/sizes").statusCode()).isEqualTo(404);
    }

    @Autowired
    io.touchpoint.segments.SegmentSizes sizes;

    private long membersNow() throws Exception {
        return json.readTree(get("/api/segments/" + SEGMENT + "/sizes?days=1").body()).path("members").asLong();
    }

    private java.time.Instant joinedAt(String customer) throws Exception {
        JsonNode joined = json.readTree(get("/api/customers/" + customer).body()).path("segments").path("joined").path(SEGMENT);
        return java.time.Instant.parse(joined.asText());
    }
}
