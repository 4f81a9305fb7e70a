package org.telemetryhub.hub.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged hub (hub/target/hub.jar) run as its own process, as a user runs it. */
public final class HubProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("hub listening on port (\\d+)");
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private HubProcess(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          output.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "hub-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  public static Path jar() {
    Path jar = Path.of("target", "hub.jar");
    if (!Files.exists(jar)) {
      throw new AssertionError(jar.toAbsolutePath() + " is missing: run the tests with 'mvn verify', which packages it first");
    }
    return jar;
  }

  /** Runs {@code java -jar hub.jar <args>} with the given extra environment; output and errors are merged. */
  public static HubProcess run(Map<String, String> environment, String... args) throws IOException {
    return run(jar(), environment, List.of(args));
  }

  /** As {@link #run(Map, String...)}, with a given jar (from another module: ../hub/target/hub.jar). */
  public static HubProcess run(Path jar, Map<String, String> environment, List<String> args) throws IOException {
    return run(List.of(), jar, environment, args);
  }

  /** As {@link #run(Path, Map, List)}, the JVM started through {@code launcher}, such as {@code prlimit --nofile=1024:1024}. */
  public static HubProcess run(List<String> launcher, Path jar, Map<String, String> environment, List<String> args)
      throws IOException {
    return run(launcher, List.of(), jar, environment, args);
  }

  /** As {@link #run(List, Path, Map, List)}, with options for the JVM itself, such as {@code -Xmx256m}. */
  public static HubProcess run(List<String> launcher, List<String> jvmOptions, Path jar, Map<String, String> environment,
                               List<String> args) throws IOException {
    List<String> command = new ArrayList<>(launcher);
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("HUB_"));
    builder.environment().putAll(environment);
    return new HubProcess(builder.start());
  }

  /** Starts {@code hub serve} on a free port and waits until it listens. */
  public static HubProcess serve(Path dataDir, String... extraArgs) throws IOException {
    return serve(List.of(), dataDir, extraArgs);
  }

  /** As {@link #serve(Path, String...)}, with options for the JVM, such as {@code -Xmx256m}. */
  public static HubProcess serve(List<String> jvmOptions, Path dataDir, String... extraArgs) throws IOException {
    List<String> args = new ArrayList<>(List.of("serve", "--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir,
        "--token-secret=" + TestHub.SECRET));
    args.addAll(List.of(extraArgs));
    HubProcess hub = run(List.of(), jvmOptions, jar(), Map.of(), args);
    hub.port();
    return hub;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The port from the "listening" log line; fails the test if the hub does not get there within a minute. */
  public int port() {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : output) {
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          return Integer.parseInt(matcher.group(1));
        }
      }
      if (!process.isAlive() && output.stream().noneMatch(line -> LISTENING.matcher(line).find())) {
        throw new AssertionError("hub exited with " + process.exitValue() + " before listening:\n" + output());
      }
      sleepBriefly();
    }
    throw new AssertionError("hub did not listen within 60 s:\n" + output());
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String output() {
    return String.join("\n", output);
  }

  /** Waits for the process to end; returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("process did not exit within " + timeout + ":\n" + output());
    }
    reader.join(5_000); // the last lines
    return process.exitValue();
  }

  /**
   * SIGTERM, as systemd or Docker stop a service. Through the process handle: Process.destroy()
   * would also close our end of its output, and we want to read how it stopped.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the process gets no chance to flush anything. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
