package io.touchpoint.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.LinkedHashMap;
import java.util.Map;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.touchpoint.journeys.AbandonedCartJourneyIT;

/**
 * How every console page behaves in a real headless Chromium, whatever it shows: its own title, no serious
 * accessibility violation (axe-core), no sideways scrolling at 800 and 1,400 pixels, a refresh that keeps the user's
 * focus and opened details, badges on their step, a banner when the engine cannot be reached, and "not found".
 */
class ConsolePagesIT extends ConsoleIT {

    @Test
    void everyPageHasItsTitleNoSeriousAccessibilityViolationAndNoSidewaysScrollAt800And1400Pixels() {
        FailedReminder failed = failedReminder("kim.longaddress.for.layout@example.com");
        Map<String, String> pages = new LinkedHashMap<>(); // page → the title it must have
        pages.put("#/journeys", "Journeys · Touchpoint console");
        pages.put("#/journey/abandonedCart", "Journey Abandoned cart · Touchpoint console");
        pages.put("#/customers", "Customers · Touchpoint console");
        pages.put("#/customers/" + failed.customer(), "Customer " + failed.customer() + " · Touchpoint console");
        pages.put("#/run/" + failed.journey(), "Run of " + failed.customer() + " in Abandoned cart · Touchpoint console");
        pages.put("#/incidents", "Incidents · Touchpoint console");
        pages.put("#/messages", "Messages · Touchpoint console");
        pages.put("#/analytics", "Analytics · Touchpoint console");
        pages.put("#/rules", "Rules · Touchpoint console");
        pages.put("#/offers", "Offers · Touchpoint console");
        pages.put("#/segments", "Segments · Touchpoint console");
        pages.put("#/mailbox", "Mailbox · Touchpoint console");
        pages.put("#/try", "Try a journey · Touchpoint console");
        pages.put("#/no-such-page", "Page not found · Touchpoint console");
        try (Browser browser = new Browser(port)) {
            browser.signIn("operator", "operator");
            for (int width : new int[] {1400, 800}) {
                browser.width(width);
                for (Map.Entry<String, String> page : pages.entrySet()) {
                    browser.open("/console/" + page.getKey());
                    try {
                        await().atMost(Browser.PATIENCE).until(() -> browser.title().equals(page.getValue())
                                && browser.find(By.id("updated")).getText().startsWith("live"));
                    } catch (ConditionTimeoutException e) {
                        throw new AssertionError(page.getKey() + " shows title '" + browser.title() + "' and:\n" + browser.find(By.tagName("body")).getText(), e);
                    }
                    assertThat(browser.accessibilityViolations()).as("axe on %s at %d px", page.getKey(), width).isEmpty();
                    assertThat(browser.scrollsSideways()).as("%s scrolls sideways at %d px", page.getKey(), width).isFalse();
                }
                browser.script("document.getElementById('page').append(document.createElement('input'))");
                assertThat(browser.accessibilityViolations()).as("axe finds an unlabelled field").anyMatch(v -> v.startsWith("label"));
                browser.open("/console/#/incidents");
                WebElement retry = browser.waitFor(By.cssSelector("button.retry[data-incident='" + failed.incident() + "']"));
                assertThat(browser.script("const r = arguments[0].getBoundingClientRect(); return r.right <= window.innerWidth && r.width > 0", retry))
                        .as("the Retry button is on screen at %d px", width).isEqualTo(true);
                browser.open("/console/#/customers/" + failed.customer());
                browser.waitFor(By.id("timeline"));
                assertThat(browser.script("""
                        const a = document.getElementById('profile').getBoundingClientRect();
                        const b = document.getElementById('timeline').getBoundingClientRect();
                        return a.right <= b.left || b.top >= a.bottom || a.top >= b.bottom;""")).as("profile and timeline do not overlap").isEqualTo(true);
            }
        }
    }

    @Test
    void aRefreshKeepsTheFocusedButtonAndTheOpenedDetailsWhileNewRowsArrive() {
        FailedReminder first = failedReminder("lou@example.com");
        try (Browser browser = new Browser(port)) {
            browser.signIn("operator", "operator");
            browser.open("/console/#/incidents");
            browser.waitFor(By.cssSelector("tr[data-key='" + first.incident() + "'] summary")).click();
            browser.waitForText(By.cssSelector("tr[data-key='" + first.incident() + "'] .stacktrace"), "ConnectException");
            WebElement retry = browser.find(By.cssSelector("button.retry[data-incident='" + first.incident() + "']"));
            browser.script("arguments[0].focus()", retry);

            FailedReminder second = failedReminder("max@example.com");
            browser.waitFor(By.cssSelector("tr[data-key='" + second.incident() + "']"));
            browser.waitForRefresh();

            assertThat(browser.script("return document.activeElement === arguments[0]", retry)).as("focus stays on the Retry button").isEqualTo(true);
            assertThat(browser.find(By.cssSelector("tr[data-key='" + first.incident() + "'] details")).getDomProperty("open")).isEqualTo("true");
            assertThat(browser.find(By.cssSelector("tr[data-key='" + first.incident() + "'] .stacktrace")).getText()).contains("ConnectException");
        }
    }

    @Test
    void theBadgesSitOnTheirStepAlsoTheIncidentsOfAFailedSend() {
        failedReminder("ned@example.com");
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(AbandonedCartJourneyIT.newCustomer(), "nell@example.com", 70.0));
        long incidents = runtime.createIncidentQuery().activityId("Send_ReminderEmail").count();
        assertThat(get("/api/console/journeys/abandonedCart").body()).as("the API counts the incidents at the step")
                .containsPattern("\"Send_ReminderEmail\":\\{[^}]*\"incidents\":" + incidents + "[,}]");
        try (Browser browser = new Browser(port)) {
            browser.signIn("viewer", "viewer");
            browser.open("/console/#/journey/abandonedCart");
            WebElement badge = browser.waitFor(By.cssSelector("[data-step='Send_ReminderEmail'] .incidents"));
            assertThat(badge.getText()).isEqualTo(incidents + (incidents == 1 ? " incident" : " incidents"));
            for (String step : new String[] {"Send_ReminderEmail", "Timer_WaitBeforeReminder"}) {
                WebElement counts = browser.waitFor(By.cssSelector("[data-step='" + step + "']"));
                WebElement shape = browser.find(By.cssSelector("#diagram g.djs-element[data-element-id='" + step + "']"));
                assertThat(browser.script("""
                        const badge = arguments[0].getBoundingClientRect(), shape = arguments[1].getBoundingClientRect();
                        const diagram = document.getElementById('diagram').getBoundingClientRect();
                        const touches = badge.left < shape.right && badge.right > shape.left && badge.top <= shape.bottom + 2 && badge.bottom >= shape.top - 2;
                        const inside = badge.left >= diagram.left && badge.right <= diagram.right && badge.top >= diagram.top && badge.bottom <= diagram.bottom;
                        return touches && inside;""", counts, shape)).as("the badges of %s sit on it, inside the diagram", step).isEqualTo(true);
            }
        }
    }

    @Test
    void whenTheEngineCannotBeReachedABannerSaysSoAndTheFiguresAreMarkedOutOfDate() {
        try (Browser browser = new Browser(port)) {
            browser.signIn("viewer", "viewer");
            browser.open("/console/#/journey/abandonedCart");
            browser.waitFor(By.cssSelector("#active .value"));
            browser.waitForRefresh();
            browser.offline(true);
            try {
                assertThat(browser.waitForText(By.id("unreachable"), "cannot be reached")).contains("may be out of date");
                assertThat(browser.find(By.id("page")).getDomAttribute("class")).contains("stale");
                assertThat(browser.find(By.id("updated")).getText()).isEqualTo("engine unreachable");
            } finally {
                browser.offline(false);
            }
            await().atMost(Browser.PATIENCE).until(() -> !browser.find(By.id("unreachable")).isDisplayed());
            assertThat(browser.find(By.id("page")).getDomAttribute("class")).doesNotContain("stale");
        }
    }

    @Test
    void anUnknownPageSaysSoInsteadOfShowingTheJourneys() {
        try (Browser browser = new Browser(port)) {
            browser.signIn("viewer", "viewer");
            browser.open("/console/#/journeyz");
            assertThat(browser.waitForText(By.id("not-found"), "no page")).contains("There is no page \"journeyz\"");
            assertThat(browser.all(By.id("journeys"))).isEmpty();
        }
    }
}
