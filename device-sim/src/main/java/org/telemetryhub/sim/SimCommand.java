package org.telemetryhub.sim;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.telemetryhub.hub.auth.SecretFile;
import org.telemetryhub.hub.cli.HelpText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code device-sim [options]}: runs a fleet against a hub until --duration ends or Ctrl-C,
 * drains, prints the summary and exits 0 only if every generated reading was acknowledged.
 */
@Command(name = "device-sim", mixinStandardHelpOptions = true, sortOptions = false, version = "device-sim 0.1.0",
    description = "Simulated fleet of sensor devices for the telemetry hub.",
    subcommands = {DemoCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every generated reading was acknowledged", "1:readings are missing (the summary says how many)",
        "2:bad options", "3:the demo's hub could not start (its port is taken)"})
public final class SimCommand implements Callable<Integer> {

  static final int EXIT_MISSING = 1;
  static final int EXIT_BAD_OPTIONS = 2;
  static final int EXIT_NOT_STARTED = 3;
  /** Returned by a command that keeps running until Ctrl-C; its shutdown hook decides the exit code. */
  static final int KEEP_RUNNING = -1;

  @Mixin
  FleetSettings settings;

  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new SimCommand());
    HelpText.labelValues(commandLine);
    commandLine.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println("device-sim: " + e.getMessage());
      return EXIT_BAD_OPTIONS;
    });
    return commandLine;
  }

  @Override
  public Integer call() throws Exception {
    Function<Vertx, TokenSource> tokens = tokenSource(settings);
    if (tokens == null) {
      return EXIT_BAD_OPTIONS;
    }
    System.out.printf("device-sim: %d devices -> %s, %s%n", settings.devices, settings.urls.size() == 1 ? settings.url() : settings.urls,
        settings.load ? "load mode, window " + settings.window + ", " + settings.batch + " per frame"
            : settings.rate + " reading/s each");
    Fleet fleet = Fleet.start(settings, tokens, ReadingListener.NONE, System.out);
    return runUntilDone(settings, fleet, () -> { });
  }

  /**
   * Waits for --duration (then finishes and returns the exit code) or for Ctrl-C (then finishes
   * in the shutdown hook, runs {@code afterFleet}, and halts with the exit code).
   */
  static int runUntilDone(FleetSettings settings, Fleet fleet, Runnable afterFleet) throws InterruptedException {
    CountDownLatch finished = new CountDownLatch(1);
    int[] code = {0};
    Runnable finish = () -> {
      JsonObject summary = fleet.finish().await();
      fleet.close();
      afterFleet.run();
      code[0] = report(settings, summary);
      finished.countDown();
    };
    Thread hook = new Thread(() -> {
      if (finished.getCount() > 0) {
        finish.run();
        System.out.flush();
        Runtime.getRuntime().halt(code[0]);
      }
    }, "device-sim-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (settings.duration == null) {
      finished.await();
      return KEEP_RUNNING;
    }
    if (!finished.await(settings.duration.toMillis(), TimeUnit.MILLISECONDS)) {
      Runtime.getRuntime().removeShutdownHook(hook);
      finish.run();
    }
    return code[0];
  }

  /** Prints the summary (and the JSON, if asked); returns the exit code it implies. */
  static int report(FleetSettings settings, JsonObject summary) {
    long missing = summary.getLong("missing");
    System.out.printf("summary: devices=%d generated=%d acked=%d lost=%d missing=%d reconnects=%d acked/s=%d "
            + "ack_p50=%sms ack_p99=%sms%n",
        summary.getInteger("devices"), summary.getLong("generated"), summary.getLong("acked"), summary.getLong("lost"),
        missing, summary.getLong("reconnects"), summary.getLong("ackedPerSecond"),
        summary.getJsonObject("ackLatencyMs").getValue("p50"), summary.getJsonObject("ackLatencyMs").getValue("p99"));
    if (settings.jsonSummary != null) {
      String json = summary.encodePrettily();
      if ("-".equals(settings.jsonSummary)) {
        System.out.println(json);
      } else {
        try {
          Files.writeString(Path.of(settings.jsonSummary), json + "\n");
        } catch (IOException e) {
          System.err.println("device-sim: cannot write " + settings.jsonSummary + ": " + e.getMessage());
        }
      }
    }
    if (missing == 0) {
      System.out.println("OK: every generated reading was acknowledged");
      return 0;
    }
    System.out.println("FAILED: " + missing + " generated readings were not acknowledged");
    return EXIT_MISSING;
  }

  /** The token source the options ask for, or null (after saying why) when they do not add up. */
  static Function<Vertx, TokenSource> tokenSource(FleetSettings settings) throws IOException {
    List<String> problems = settings.problems();
    if (!problems.isEmpty()) {
      System.err.println("device-sim: invalid options:");
      problems.forEach(problem -> System.err.println("  - " + problem));
      return null;
    }
    if (settings.noAuth) {
      return vertx -> TokenSource.none();
    }
    if (settings.tokensFile != null) {
      TokenSource fromFile = TokenSource.fromFile(settings.tokensFile);
      return vertx -> fromFile;
    }
    String secret = settings.tokenSecret;
    if (secret == null) {
      if (!Files.isReadable(settings.tokenSecretFile)) {
        System.err.println("device-sim: no token secret at " + settings.tokenSecretFile
            + ": give --token-secret, --token-secret-file, --tokens FILE, or --no-auth");
        return null;
      }
      try {
        secret = SecretFile.read(settings.tokenSecretFile).signing();
      } catch (IllegalArgumentException e) {
        System.err.println("device-sim: the token secret in " + settings.tokenSecretFile + " cannot sign tokens: " + e.getMessage());
        return null;
      }
    }
    String signingSecret = secret;
    return vertx -> TokenSource.fromSecret(vertx, signingSecret);
  }
}
