package io.asyncinvoke.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.asyncinvoke.simulator.Endpoint;
import io.asyncinvoke.simulator.Simulator;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Drives the demo page in headless Chromium, on the simulator: a job's statuses appear live and
 * its image loads; a failed job shows its error; bad input (an empty prompt, an unknown model
 * family) shows a message and sends nothing.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} (or {@code -Dbrowser.chromium} and
 * {@code -Dbrowser.chromedriver}). Without them the test is skipped, unless
 * {@code -Dbrowser.required=true} (as in CI), which makes a missing browser a failure.
 */
@DemoOnSimulator
class DemoBrowserTest {

    /** Generous: two cores are shared with other builds. Every wait ends as soon as its condition holds. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Selenium ships no CDP module for every Chromium; it warns about that, and this test needs none. */
    private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    private static ChromeDriver driver;
    private static Path userDataDir;
    /** Why there is no browser, when there is none (and it is not required). */
    private static String missingBrowser;

    @LocalServerPort
    int port;

    @Autowired
    Simulator simulator;

    private String testName;

    @BeforeAll
    static void startBrowser() throws IOException {
        missingBrowser = null;
        Optional<String> chromium = executable("browser.chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Optional<String> chromedriver = executable("browser.chromedriver", "/usr/bin/chromedriver",
                "/usr/lib/chromium/chromedriver");
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            String message = "No headless browser: " + (chromium.isEmpty() ? "Chromium" : "chromedriver")
                    + " not found (looked in /usr/bin; set -Dbrowser.chromium / -Dbrowser.chromedriver). "
                    + "Install it with: apt-get install -y chromium chromium-driver";
            if (Boolean.getBoolean("browser.required")) {
                fail(message + " (browser.required=true, so this is a failure, not a skip)");
            }
            // Printed as well, since a skipped class is easy to miss in Maven's summary.
            System.err.println("DemoBrowserTest SKIPPED: " + message);
            // Assumed by each test, not here: an aborted @BeforeAll counts as 0 tests run and 0 skipped in
            // Surefire's report, while a failed assumption per test counts every test as skipped, with the reason.
            missingBrowser = message + ". The browser test is skipped.";
            return;
        }
        CDP_LOG.setLevel(Level.SEVERE);
        // A fresh profile every run; the flags keep Chromium from calling out (this network refuses it).
        userDataDir = Files.createTempDirectory("demo-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-quic", "--no-first-run",
                "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
                "--window-size=1200,1000", "--user-data-dir=" + userDataDir);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver.get()))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (userDataDir != null) {
            try (Stream<Path> files = Files.walk(userDataDir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @BeforeEach
    void openPage(TestInfo info) {
        assumeTrue(missingBrowser == null, missingBrowser);
        testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
        driver.get("http://localhost:" + port + "/");
        // The banner appears once the page's script ran and asked the server where jobs go.
        waitFor("the simulator banner", d -> d.findElement(By.id("mode")).isDisplayed()
                && d.findElement(By.id("mode")).getText().contains("simulator"));
    }

    @Test
    void anImageJobShowsEveryStatusLiveThenTheImage() {
        submit("image", "a lighthouse at dusk");

        waitFor("COMPLETED in the status list", d -> statuses().contains("COMPLETED"));
        assertThat(statuses()).containsExactly("QUEUED", "IN_PROGRESS", "COMPLETED");
        waitFor("the image to load", d -> imageWidth() > 0);
        WebElement image = driver.findElement(By.id("result-image"));
        assertThat(image.getAttribute("src")).startsWith(simulator.mediaBaseUrl() + "/media/");
        assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
        screenshot();
    }

    @Test
    void aFailedJobShowsTheServersError() {
        submit("image", "a lighthouse " + EmbeddedSimulatorConfiguration.FAIL_WORD);

        waitFor("FAILED in the status list", d -> statuses().contains("FAILED"));
        assertThat(statuses()).containsExactly("QUEUED", "IN_PROGRESS", "FAILED");
        WebElement error = waitFor("the job's error", d -> d.findElement(By.id("job-error")));
        assertThat(error.getText()).startsWith("The job failed: ").contains("could not process this input");
        assertThat(driver.findElements(By.id("result-image"))).isEmpty();
        screenshot();
    }

    @Test
    void aSpeechJobEndsWithAnAudioPlayer() {
        submit("speech", "Hello from the browser test");

        waitFor("COMPLETED in the status list", d -> statuses().contains("COMPLETED"));
        WebElement audio = waitFor("the audio player", d -> d.findElement(By.id("result-audio")));
        assertThat(audio.getAttribute("src")).startsWith(simulator.mediaBaseUrl() + "/media/").endsWith(".mp3");
        assertThat(audio.getAttribute("controls")).isNotNull();
    }

    @Test
    void anEmptyPromptGetsAMessageAndNoRequest() {
        long submitsBefore = simulator.journal().count(Endpoint.SUBMIT);

        submit("image", "");

        WebElement error = waitFor("the error message", d -> {
            WebElement e = d.findElement(By.id("error"));
            return e.isDisplayed() ? e : null;
        });
        assertThat(error.getText()).isEqualTo("Please enter a prompt for the image.");
        assertThat(driver.findElement(By.id("job")).isDisplayed()).isFalse();
        assertThat(simulator.journal().count(Endpoint.SUBMIT)).isEqualTo(submitsBefore);
        assertThat(driver.getPageSource()).doesNotContain("Exception");
    }

    @Test
    void anUnknownModelFamilyGetsAMessage() {
        // The form offers only known families; a hand-edited page (or a stale one) can send any other.
        ((JavascriptExecutor) driver).executeScript(
                "document.getElementById('family').add(new Option('Video', 'video'));");

        submit("video", "a lighthouse");

        WebElement error = waitFor("the error message", d -> {
            WebElement e = d.findElement(By.id("error"));
            return e.isDisplayed() ? e : null;
        });
        assertThat(error.getText()).isEqualTo("Unknown model family \"video\": choose image, audio or speech.");
    }

    private void submit(String family, String text) {
        new Select(driver.findElement(By.id("family"))).selectByValue(family);
        WebElement input = driver.findElement(By.id("input"));
        input.clear();
        if (!text.isEmpty()) {
            input.sendKeys(text);
        }
        driver.findElement(By.id("submit")).click();
    }

    private List<String> statuses() {
        return driver.findElements(By.cssSelector("#statuses li")).stream()
                .map(item -> item.getAttribute("data-status"))
                .collect(Collectors.toList());
    }

    private long imageWidth() {
        Object width = ((JavascriptExecutor) driver).executeScript(
                "const img = document.getElementById('result-image');"
                        + " return img && img.complete ? img.naturalWidth : 0;");
        return ((Number) width).longValue();
    }

    /** Waits for {@code condition}; on a timeout, saves a screenshot and says what the page showed. */
    private <T> T waitFor(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).until(condition::apply);
        } catch (TimeoutException e) {
            Path shot = screenshot();
            throw new AssertionError("Timed out after " + WAIT.toSeconds() + " s waiting for " + what
                    + "; statuses " + statuses() + "; page text: " + driver.findElement(By.tagName("body")).getText()
                    + "; screenshot " + shot, e);
        }
    }

    private Path screenshot() {
        try {
            Path dir = Paths.get("target", "browser-test");
            Files.createDirectories(dir);
            Path file = dir.resolve(testName + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Optional<String> executable(String property, String... candidates) {
        String configured = System.getProperty(property);
        Stream<String> paths = configured != null && !configured.isBlank() ? Stream.of(configured) : Stream.of(candidates);
        return paths.filter(path -> Files.isExecutable(Paths.get(path))).findFirst();
    }
}
