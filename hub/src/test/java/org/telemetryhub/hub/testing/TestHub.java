package org.telemetryhub.hub.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.telemetryhub.hub.Hub;
import org.telemetryhub.hub.HubOptions;
import org.telemetryhub.hub.alerts.AlertRule;
import org.telemetryhub.hub.config.HubSettings;
import picocli.CommandLine;

/** A real hub on a free port with its data in a temporary directory, as the tests start it. */
public final class TestHub implements AutoCloseable {

  public static final String SECRET = "test-secret-test-secret-test-secret-0123";

  private final Hub hub;
  private final Path dataDir;

  private TestHub(Hub hub, Path dataDir) {
    this.hub = hub;
    this.dataDir = dataDir;
  }

  /** Starts a hub with the options of {@link #options}. */
  public static TestHub start(Path dataDir) throws Exception {
    return start(dataDir, UnaryOperator.identity());
  }

  /** Starts a hub with the options of {@link #options}, changed by {@code changes}. */
  public static TestHub start(Path dataDir, UnaryOperator<HubOptions> changes) throws Exception {
    return new TestHub(Hub.start(changes.apply(options(dataDir))), dataDir);
  }

  /** The defaults, but on a free port of 127.0.0.1, with the test secret and a 5 s stop. */
  public static HubOptions options(Path dataDir) {
    HubOptions defaults = HubOptions.defaults(dataDir);
    return defaults.withListen(defaults.listen().withAddress("127.0.0.1", 0))
        .withAuth(defaults.auth().withTokenSecret(SECRET))
        .withShutdownTimeout(Duration.ofSeconds(5));
  }

  /** {@code texts} parsed as alert rules. */
  public static List<AlertRule> rules(String... texts) {
    return Arrays.stream(texts).map(AlertRule::parse).toList();
  }

  /** Parses serve flags as the command line does (without environment or file); a later flag overrides an earlier one. */
  public static HubSettings settings(String... args) {
    HubSettings settings = new HubSettings();
    new CommandLine(settings).setOverwrittenOptionsAllowed(true).parseArgs(args);
    return settings;
  }

  public int port() {
    return hub.port();
  }

  /** The hub's WebSocket URL, as device-sim's --url takes it. */
  public String url() {
    return "ws://127.0.0.1:" + port();
  }

  public Path dataDir() {
    return dataDir;
  }

  public HubApi api() {
    return new HubApi(port());
  }

  /** A device token signed with the test secret. */
  public static String token(String deviceId) {
    return Tokens.device(deviceId, null);
  }

  public void stop() {
    hub.stop();
  }

  @Override
  public void close() {
    hub.stop();
  }
}
