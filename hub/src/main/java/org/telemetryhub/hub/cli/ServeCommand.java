package org.telemetryhub.hub.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.Hub;
import org.telemetryhub.hub.RuntimeSettings;
import org.telemetryhub.hub.config.HubSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hub serve}: runs the hub until SIGTERM or Ctrl-C, then stops it gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the hub.", "Every setting can also come from the environment (HUB_PORT for --port) or a --config file."})
public final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin
  HubSettings settings;

  @Mixin
  ConfigFileOption configFile;

  @Override
  public Integer call() throws InterruptedException {
    List<String> problems = RuntimeSettings.problems(settings);
    if (!problems.isEmpty()) {
      System.err.println("hub: invalid settings:");
      problems.forEach(problem -> System.err.println("  - " + problem));
      return HubCommand.EXIT_BAD_SETTINGS;
    }
    Hub hub;
    try {
      hub = Hub.start(settings);
    } catch (Exception e) {
      LOG.error("hub could not start: {}", e.getMessage());
      System.err.println("hub: could not start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      hub.stop();
      stopped.countDown();
    }, "hub-shutdown"));
    stopped.await();
    return 0;
  }
}
