package org.telemetryhub.hub.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real InfluxDB 1.x server (Debian's influxd, found on PATH) on free loopback ports with its
 * data in a temporary directory. A missing influxd fails the test with a clear message.
 */
public final class InfluxServer implements AutoCloseable {

  private final Path dir;
  private final int httpPort;
  private final int rpcPort;
  private final boolean authEnabled;
  private Process process;

  private InfluxServer(Path dir, int httpPort, int rpcPort, boolean authEnabled) {
    this.dir = dir;
    this.httpPort = httpPort;
    this.rpcPort = rpcPort;
    this.authEnabled = authEnabled;
  }

  public static InfluxServer start(Path dir) throws IOException {
    InfluxServer server = new InfluxServer(dir, freePort(), freePort(), false);
    server.writeConfig();
    server.startProcess();
    return server;
  }

  /** User and password of the admin a server started by {@link #startWithAuth} has. */
  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-secret";

  /**
   * A server that requires authentication, as a production one does, with one admin user
   * ({@link #ADMIN}); an admin client makes databases, policies and other users.
   */
  public static InfluxServer startWithAuth(Path dir) throws IOException {
    InfluxServer server = new InfluxServer(dir, freePort(), freePort(), true);
    server.writeConfig();
    server.startProcess();
    // InfluxDB lets anyone create the first user, and it must be an admin.
    try (org.influxdb.InfluxDB anonymous = org.influxdb.InfluxDBFactory.connect(server.url())) {
      anonymous.query(new org.influxdb.dto.Query("CREATE USER " + ADMIN + " WITH PASSWORD '" + ADMIN_PASSWORD
          + "' WITH ALL PRIVILEGES"));
    }
    return server;
  }

  /** A client logged in as the admin of a server started by {@link #startWithAuth}. */
  public org.influxdb.InfluxDB admin() {
    return org.influxdb.InfluxDBFactory.connect(url(), ADMIN, ADMIN_PASSWORD);
  }

  private static String influxd() {
    for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(directory, "influxd");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError("influxd not found on PATH: install Debian's InfluxDB 1.x (apt-get install -y influxdb); "
        + ".ci/run does this before running the tests");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void writeConfig() throws IOException {
    Files.createDirectories(dir);
    Files.writeString(config(), String.join("\n",
        "reporting-disabled = true",
        "bind-address = \"127.0.0.1:" + rpcPort + "\"",
        "[meta]",
        "  dir = \"" + dir.resolve("meta") + "\"",
        "[data]",
        "  dir = \"" + dir.resolve("data") + "\"",
        "  wal-dir = \"" + dir.resolve("wal") + "\"",
        "  query-log-enabled = false",
        "[http]",
        "  bind-address = \"127.0.0.1:" + httpPort + "\"",
        "  log-enabled = false",
        "  auth-enabled = " + authEnabled,
        "[monitor]",
        "  store-enabled = false",
        ""));
  }

  private Path config() {
    return dir.resolve("influxdb.conf");
  }

  private void startProcess() throws IOException {
    process = new ProcessBuilder(influxd(), "-config", config().toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("influxd.log").toFile())
        .start();
    Poll.until("influxd answering on " + url() + " (log: " + dir.resolve("influxd.log") + ")", Duration.ofSeconds(30),
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("influxd exited with " + process.exitValue() + "; see " + dir.resolve("influxd.log"));
          }
          return pings();
        });
  }

  private boolean pings() {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(url() + "/ping").toURL().openConnection();
      connection.setConnectTimeout(500);
      connection.setReadTimeout(500);
      return connection.getResponseCode() == 204;
    } catch (IOException e) {
      return false;
    }
  }

  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Stops influxd (SIGTERM) and waits for it: an outage. */
  public void stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  /** Starts influxd again on the same ports and data. */
  public void restart() throws IOException {
    startProcess();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
