package org.telemetryhub.hub.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.telemetryhub.hub.Hub;
import org.telemetryhub.hub.process.FatalErrors;
import org.telemetryhub.hub.RuntimeSettings;
import org.telemetryhub.hub.config.HubSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hub serve}: runs the hub until SIGTERM or Ctrl-C, then stops it gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the hub.", "Every setting can also come from the environment (HUB_PORT for --port) or a --config file."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped on SIGTERM or Ctrl-C, after flushing", "1:did not start (port taken, store unreachable, files unreadable)",
        "2:invalid settings (nothing was started or created)"})
public final class ServeCommand implements Callable<Integer> {

  /** The hub did not start: port taken, store unreachable, files unreadable. */
  static final int EXIT_NOT_STARTED = 1;

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
    String portProblem = PortCheck.problem(settings.host(), settings.port());
    if (portProblem != null) {
      System.err.println("hub: " + portProblem);
      return EXIT_NOT_STARTED;
    }
    // This process is the hub: an error it cannot go on from ends it, for its supervisor to restart.
    FatalErrors.endProcessOnFatal();
    HeapHeadroom.apply();
    Hub hub;
    try {
      hub = Hub.start(RuntimeSettings.options(settings));
    } catch (Exception e) {
      // Said once, on stderr: the log's console appender would say it a second time.
      String why = PortCheck.isTakenPort(e) ? PortCheck.takenMessage(settings.host(), settings.port()) : e.getMessage();
      System.err.println("hub: could not start: " + why);
      return EXIT_NOT_STARTED;
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
