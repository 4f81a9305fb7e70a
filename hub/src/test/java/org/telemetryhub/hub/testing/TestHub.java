package org.telemetryhub.hub.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.telemetryhub.hub.Hub;
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

  /** Starts a hub with sub-second heartbeats; {@code extraArgs} are serve flags that override the defaults here. */
  public static TestHub start(Path dataDir, String... extraArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir,
        "--heartbeat-interval=25s", "--heartbeat-timeout=30s", "--shutdown-timeout=5s"));
    if (Arrays.stream(extraArgs).noneMatch(arg -> arg.startsWith("--token-secret-file"))) {
      args.add("--token-secret=" + SECRET);
    }
    args.addAll(List.of(extraArgs));
    HubSettings settings = settings(args.toArray(String[]::new));
    return new TestHub(Hub.start(settings), dataDir);
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
