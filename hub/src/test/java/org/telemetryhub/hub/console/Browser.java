package org.telemetryhub.hub.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven through chromedriver, both from Debian's packages (chromium,
 * chromium-driver). A missing one fails the test with what to install: Selenium must not go
 * looking for a browser to download.
 */
final class Browser {

  private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  private Browser() {
  }

  static ChromeDriver start() {
    Path browser = firstExisting(BROWSERS, "chromium");
    Path driver = firstExisting(DRIVERS, "chromium-driver");
    ChromeOptions options = new ChromeOptions()
        .setBinary(browser.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build();
    return new ChromeDriver(service, options);
  }

  private static Path firstExisting(List<String> paths, String debianPackage) {
    return paths.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
        "no " + debianPackage + " at " + paths + ": the console tests need it (apt-get install -y chromium chromium-driver)"));
  }
}
