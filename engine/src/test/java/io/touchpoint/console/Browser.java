package io.touchpoint.console;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Headless Chromium from Debian's {@code chromium} and {@code chromium-driver} packages, driven by Selenium at the
 * fixed system paths so that nothing is downloaded. Writes screenshots to {@code admin-console/screenshots/}.
 */
final class Browser implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Browser.class);
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final String base;
    private final Path profile;

    Browser(int port) {
        this.base = "http://127.0.0.1:" + port;
        try {
            this.profile = Files.createTempDirectory("touchpoint-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(PATIENCE);
    }

    Browser open(String path) {
        driver.get(base + path);
        return this;
    }

    Browser signIn(String user, String password) {
        open("/console/");
        waitFor(By.id("sign-in"));
        await().atMost(PATIENCE).until(() -> !find(By.id("csrf")).getDomAttribute("name").isEmpty());
        find(By.id("username")).sendKeys(user);
        find(By.id("password")).sendKeys(password);
        find(By.id("sign-in")).click();
        await().atMost(PATIENCE).until(() -> driver.getCurrentUrl().contains("/console/") && !driver.getCurrentUrl().contains("login"));
        waitFor(By.id("journeys"));
        return this;
    }

    /** How the console shows an instant: the browser's toLocaleString() in the browser's time zone and locale. */
    String localTime(java.time.Instant instant) {
        return (String) script("return new Date(arguments[0]).toLocaleString()", instant.toString());
    }

    String title() {
        return driver.getTitle();
    }

    String url() {
        return driver.getCurrentUrl();
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    WebElement waitFor(By by) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> !driver.findElements(by).isEmpty());
        return driver.findElement(by);
    }

    /** Waits until the element's text contains the given text and returns it; says what the page showed if it never does. */
    String waitForText(By by, String text) {
        try {
            await().atMost(PATIENCE).ignoreExceptions().until(() -> driver.findElement(by).getText().contains(text));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no \"" + text + "\" in " + by + " of " + url() + "; the page shows:\n" + find(By.tagName("body")).getText(), e);
        }
        return driver.findElement(by).getText();
    }

    /** Runs JavaScript in the page and returns its value (arguments as arguments[0], ...). */
    Object script(String script, Object... arguments) {
        return driver.executeScript(script, arguments);
    }

    /** Sets the window's width (the height stays 1,000 px), as a narrow laptop or a wide screen would show the console. */
    Browser width(int pixels) {
        driver.manage().window().setSize(new Dimension(pixels, 1000));
        await().atMost(PATIENCE).until(() -> ((Number) script("return window.innerWidth")).intValue() <= pixels);
        return this;
    }

    /** Whether the page is wider than the window, so that the user would have to scroll sideways. */
    boolean scrollsSideways() {
        return (Boolean) script("return document.documentElement.scrollWidth > document.documentElement.clientWidth");
    }

    /** Cuts the browser off the network (to the page the engine looks down) or connects it again. */
    void offline(boolean offline) {
        ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
        conditions.setOffline(offline);
        driver.setNetworkConditions(conditions);
    }

    /** Waits for the page's next refresh: the "live · time" stamp changes. */
    void waitForRefresh() {
        String before = find(By.id("updated")).getText();
        await().atMost(PATIENCE).until(() -> !find(By.id("updated")).getText().equals(before));
    }

    /**
     * The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page now, one line each (rule, help, where).
     * axe-core comes from admin-console/node_modules, where the Maven build's {@code npm ci} put it: nothing from a CDN.
     */
    @SuppressWarnings("unchecked")
    List<String> accessibilityViolations() {
        Path axe = Path.of(System.getProperty("user.dir")).resolveSibling("admin-console").resolve("node_modules/axe-core/axe.min.js");
        try {
            script(Files.readString(axe) + "\nwindow.axe = axe;");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (List<String>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
                  .then(result => done(result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)))
                  .catch(e => done([`axe failed: ${e}`]));
                """);
    }

    void screenshot(String name) {
        Path folder = Path.of(System.getProperty("user.dir")).resolveSibling("admin-console").resolve("screenshots");
        try {
            Files.createDirectories(folder);
            Files.write(folder.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.info("Screenshot {} written to {}", name, folder);
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            log.warn("cannot remove the browser profile {}", profile, e);
        }
    }
}
