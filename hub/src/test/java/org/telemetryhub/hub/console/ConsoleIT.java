package org.telemetryhub.hub.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;

/**
 * The web console in a real browser (headless Chromium through chromedriver) against a real hub,
 * with devices on real WebSockets: what a user sees when devices come and go, readings stream,
 * an alert fires, a token is refused and the hub goes away. Each test leaves a screenshot in
 * target/console-screenshots/.
 */
class ConsoleIT {

  private static final Duration SHOWN_WITHIN = Duration.ofSeconds(2);
  private static Vertx vertx;
  private static WebSocketClient devices;

  @TempDir
  Path dataDir;
  private TestHub hub;
  private ChromeDriver browser;
  private String testName;

  @BeforeAll
  static void startClients() {
    vertx = Vertx.vertx();
    devices = DeviceClient.client(vertx);
  }

  @AfterAll
  static void stopClients() {
    vertx.close();
  }

  @BeforeEach
  void start(TestInfo info) throws Exception {
    testName = info.getTestMethod().orElseThrow().getName();
    hub = TestHub.start(dataDir, o -> o.withAlertRules(TestHub.rules("overheat: temperature > 30 resolve < 29")));
    browser = Browser.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      Path screenshots = Path.of("target", "console-screenshots");
      Files.createDirectories(screenshots);
      Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshots.resolve(testName + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
      browser.quit();
    }
    hub.close();
  }

  @Test
  void aDeviceThatConnectsAppearsOnlineAndOfflineWhenItLeaves() {
    signInWith(Tokens.api("console-test", ApiAccess.Role.READ));
    DeviceClient device = DeviceClient.open(devices, hub.port(), "dev-1");
    device.sendPackets(21.5f, now(), 40.2f, 1013.1f);

    WebElement row = waitFor(SHOWN_WITHIN, "dev-1 listed online", () -> row("dev-1", "online"));
    assertTrue(row.getText().contains("21.5"), "the row shows the last temperature: " + row.getText());
    assertEquals("online 1", text("[data-count=online]"));

    device.close();
    waitFor(SHOWN_WITHIN, "dev-1 listed offline", () -> row("dev-1", "offline"));
    assertEquals("offline 1", text("[data-count=offline]"));
  }

  @Test
  void theDeviceChartShowsHistoryAndGrowsWithLiveReadings() {
    DeviceClient device = DeviceClient.open(devices, hub.port(), "dev-2");
    long start = now() - 30;
    for (int i = 0; i < 10; i++) {
      device.sendPackets(20f + i / 10f, start + i, 45f, 1010f);
    }
    device.awaitAck(10, Duration.ofSeconds(5));
    signInWith(Tokens.api("console-test", ApiAccess.Role.READ));
    browser.get(consoleUrl() + "#/device/dev-2");
    waitFor(Duration.ofSeconds(5), "ten stored readings charted", () -> points("temperature") == 10 ? true : null);

    for (int i = 10; i < 15; i++) {
      device.sendPackets(20f + i / 10f, start + i, 45f, 1010f);
    }
    waitFor(SHOWN_WITHIN, "five live readings added to every chart",
        () -> points("temperature") == 15 && points("humidity") == 15 && points("pressure") == 15 ? true : null);
    assertTrue(text("#device-state").startsWith("online"), text("#device-state"));
    assertTrue(text("#device-status-log").contains("online"), "status changes: " + text("#device-status-log"));
  }

  @Test
  void aFiringAlertAppears() {
    signInWith(Tokens.api("console-test", ApiAccess.Role.READ));
    DeviceClient device = DeviceClient.open(devices, hub.port(), "hot-1");
    device.sendPackets(35.5f, now(), 40f, 1013f);

    WebElement alert = waitFor(SHOWN_WITHIN, "the overheat alert listed",
        () -> first(By.cssSelector("#alerts tr[data-device='hot-1'][data-rule='overheat']")));
    assertTrue(alert.getText().contains("35.5"), alert.getText());
  }

  @Test
  void aRefusedTokenIsSaid() {
    browser.get(consoleUrl() + "#token=" + Tokens.signedWith("not-the-hub-secret-not-the-hub-secret-00", "x", null));
    WebElement error = waitFor(Duration.ofSeconds(5), "the refusal", () -> {
      WebElement shown = first(By.id("sign-in-error"));
      return shown != null && shown.isDisplayed() && !shown.getText().isEmpty() ? shown : null;
    });
    assertTrue(error.getText().startsWith("The hub refused this token:"), error.getText());
    assertTrue(browser.findElement(By.id("token-input")).isDisplayed());
  }

  @Test
  void aSubscriberTokenSeesOnlyItsDevices() {
    DeviceClient.open(devices, hub.port(), "mine-1").sendPackets(22f, now(), 40f, 1000f);
    DeviceClient.open(devices, hub.port(), "other-1").sendPackets(23f, now(), 40f, 1000f);
    signInWith(Tokens.subscriber("console", "readings/mine-1", "status/mine-1"));
    waitFor(Duration.ofSeconds(5), "mine-1 listed", () -> row("mine-1", "online"));
    assertEquals(List.of("mine-1"), browser.findElements(By.cssSelector("#devices tbody tr")).stream()
        .map(tr -> tr.getAttribute("data-device")).toList());
  }

  @Test
  void anUnreachableHubIsSaidAndTheConsoleComesBack() throws Exception {
    signInWith(Tokens.api("console-test", ApiAccess.Role.READ));
    waitFor(Duration.ofSeconds(5), "live updates", () -> "live".equals(first(By.id("live-state")).getAttribute("data-state")) ? true : null);
    int port = hub.port();
    hub.close();

    WebElement banner = waitFor(Duration.ofSeconds(10), "the banner", () -> {
      WebElement shown = first(By.id("banner"));
      return shown.isDisplayed() && shown.getText().contains("unreachable") ? shown : null;
    });
    assertTrue(banner.getText().startsWith("The hub is unreachable"), banner.getText());

    hub = TestHub.start(dataDir, o -> o.withListen(o.listen().withAddress("127.0.0.1", port)));
    waitFor(Duration.ofSeconds(40), "live updates again", () -> "live".equals(first(By.id("live-state")).getAttribute("data-state")) ? true : null);
    DeviceClient.open(devices, hub.port(), "back-1").sendPackets(21f, now(), 40f, 1000f);
    waitFor(SHOWN_WITHIN, "back-1 listed online after the reconnect", () -> row("back-1", "online"));
  }

  @Test
  void afterAReconnectTheChartHasTheReadingsStoredMeanwhile() throws Exception {
    long start = now() - 60;
    DeviceClient device = DeviceClient.open(devices, hub.port(), "dev-gap");
    for (int i = 0; i < 10; i++) {
      device.sendPackets(20f, start + i, 45f, 1010f);
    }
    device.awaitAck(10, Duration.ofSeconds(5));
    signInWith(Tokens.api("console-test", ApiAccess.Role.READ));
    browser.get(consoleUrl() + "#/device/dev-gap");
    waitFor(Duration.ofSeconds(5), "ten readings charted", () -> points("temperature") == 10 ? true : null);
    int port = hub.port();
    hub.close();
    waitFor(Duration.ofSeconds(10), "the console noticed", () -> "retrying".equals(first(By.id("live-state")).getAttribute("data-state"))
        ? true : null);

    hub = TestHub.start(dataDir, o -> o.withListen(o.listen().withAddress("127.0.0.1", port)));
    DeviceClient again = DeviceClient.open(devices, hub.port(), "dev-gap");
    for (int i = 10; i < 15; i++) {
      again.sendPackets(21f, start + i, 45f, 1010f);
    }
    again.awaitAck(5, Duration.ofSeconds(5)); // stored while the console is still waiting to reconnect
    waitFor(Duration.ofSeconds(40), "the five readings stored meanwhile, on the chart", () -> points("temperature") == 15 ? true : null);
  }

  private void signInWith(String token) {
    browser.get(consoleUrl() + "#token=" + token);
    waitFor(Duration.ofSeconds(5), "the fleet page", () -> first(By.id("fleet")).isDisplayed() ? true : null);
  }

  private String consoleUrl() {
    return "http://127.0.0.1:" + hub.port() + "/";
  }

  private WebElement row(String device, String state) {
    return first(By.cssSelector("#devices tr[data-device='" + device + "'][data-state='" + state + "']"));
  }

  private int points(String field) {
    return Integer.parseInt(browser.findElement(By.id("chart-" + field)).getAttribute("data-points"));
  }

  private String text(String css) {
    return browser.findElement(By.cssSelector(css)).getText();
  }

  private WebElement first(By by) {
    List<WebElement> found = browser.findElements(by);
    return found.isEmpty() ? null : found.get(0);
  }

  private <T> T waitFor(Duration timeout, String what, java.util.function.Supplier<T> shown) {
    return new WebDriverWait(browser, timeout, Duration.ofMillis(50))
        .withMessage(what + " within " + timeout.toMillis() + " ms")
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(ignored -> shown.get());
  }

  private static long now() {
    return Instant.now().getEpochSecond();
  }
}
