package org.telemetryhub.hub.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.config.HubSettings;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.SelfSignedCertificate;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/** The packaged jar's command line, as a user types it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class HubCommandIT {

  /** Every process a test started, ended after it whether it passed or not. */
  private final List<HubProcess> processes = new ArrayList<>();

  private HubProcess started(HubProcess process) {
    processes.add(process);
    return process;
  }

  @org.junit.jupiter.api.AfterEach
  void endProcesses() {
    processes.forEach(HubProcess::close);
  }

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dataDir;

  /** Verifies that 'serve --help' lists every setting with its default. */
  @Test
  void serveHelpListsEverySetting() throws Exception {
    HubProcess help = started(HubProcess.run(Map.of(), "serve", "--help"));
    assertEquals(0, help.awaitExit(WAIT));
    for (OptionSpec option : new CommandLine(new HubSettings()).getCommandSpec().options()) {
      String name = option.longestName();
      assertTrue(help.output().contains(option.negatable() ? name.replaceFirst("^--", "--[no-]") : name),
          option.longestName() + " missing from:\n" + help.output());
    }
    assertTrue(help.output().contains("Default: 8080"));
    assertTrue(help.output().contains("HUB_PORT"));
  }

  /** Verifies help as users of picocli tools expect it: only the command's own options, value kinds, variables, exit codes. */
  @Test
  void helpShowsOnlyTheCommandsOptionsWithValueKindsVariablesAndExitCodes() throws Exception {
    HubProcess token = started(HubProcess.run(Map.of(), "token", "--help"));
    assertEquals(0, token.awaitExit(WAIT));
    assertFalse(token.output().contains("--port"), "token has no --port: " + token.output());
    assertFalse(token.output().contains("--heartbeat"), token.output());
    assertTrue(token.output().contains("--expires-in=DURATION"), token.output());
    assertTrue(token.output().contains("--data-dir=DIR"), token.output());
    assertTrue(token.output().contains("HUB_DATA_DIR"), token.output());
    assertTrue(token.output().contains("Exit codes:"), token.output());

    HubProcess serve = started(HubProcess.run(Map.of(), "serve", "--help"));
    assertEquals(0, serve.awaitExit(WAIT));
    assertTrue(serve.output().contains("--heartbeat-interval=DURATION"), serve.output());
    assertTrue(serve.output().contains("--influx-url=URL"), serve.output());
    assertTrue(serve.output().contains("--max-connections=N"), serve.output());
    assertFalse(serve.output().matches("(?s).*=<[a-zA-Z]+>.*"), "no field names as value labels: " + serve.output());
    assertTrue(serve.output().replaceAll("\\s+", " ").contains("Env: HUB_HEARTBEAT_INTERVAL."), serve.output());
    assertTrue(serve.output().contains("Exit codes:") && serve.output().contains("invalid settings"), serve.output());
  }

  /** Verifies the messages of a misspelt option, a missing config file, an unknown HUB_ variable and a missing secret. */
  @Test
  void mistakesAreNamedWithWhatWasMeant() throws Exception {
    HubProcess typo = started(HubProcess.run(Map.of(), "serve", "--prot=9090"));
    assertEquals(2, typo.awaitExit(WAIT));
    assertTrue(typo.output().contains("Did you mean --port?"), typo.output());

    HubProcess noFile = started(HubProcess.run(Map.of(), "serve", "--config=" + dataDir.resolve("nope.properties")));
    assertEquals(2, noFile.awaitExit(WAIT));
    assertTrue(noFile.output().contains("cannot read configuration file " + dataDir.resolve("nope.properties") + ": no such file"),
        noFile.output());

    Path noSecret = dataDir.resolve("no-secret-here");
    HubProcess token = started(HubProcess.run(Map.of("HUB_PROT", "9090"), "token", "--device=d1", "--data-dir=" + noSecret));
    assertEquals(2, token.awaitExit(WAIT));
    assertTrue(token.output().contains("warning: the environment variable HUB_PROT (did you mean HUB_PORT?) is not a setting"),
        token.output());
    assertTrue(token.output().contains("no token secret at " + noSecret.resolve("token-secret")), token.output());
    assertFalse(Files.exists(noSecret), "no secret was made up: " + token.output());
  }

  /** Verifies that invalid settings give a clear message and exit 2 before anything starts. */
  @Test
  void invalidSettingsExitWithAMessageBeforeStarting() throws Exception {
    HubProcess bad = started(HubProcess.run(Map.of(), "serve", "--port=70000", "--heartbeat-interval=30s",
        "--heartbeat-timeout=10s", "--data-dir=" + dataDir));
    assertEquals(2, bad.awaitExit(WAIT));
    assertTrue(bad.output().contains("port must be between 0 and 65535, not 70000"), bad.output());
    assertTrue(bad.output().contains("heartbeat-timeout (10s) must be longer than heartbeat-interval (30s)"));
    assertFalse(bad.output().contains("listening"));
    try (java.util.stream.Stream<Path> created = Files.list(dataDir)) {
      assertEquals(List.of(), created.toList(), "nothing was created");
    }

    HubProcess typo = started(HubProcess.run(Map.of(), "serve", "--heartbeat-interval=soon"));
    assertEquals(2, typo.awaitExit(WAIT));
    assertTrue(typo.output().contains("'soon' is not a duration"), typo.output());

    HubProcess badEnv = started(HubProcess.run(Map.of("HUB_PORT", "eighty"), "serve"));
    assertEquals(2, badEnv.awaitExit(WAIT));
    assertTrue(badEnv.output().contains("eighty"), badEnv.output());
  }

  /** Verifies that a taken port is said once, with the port and what to do, before anything is created. */
  @Test
  void aTakenPortIsSaidOnceAndNothingIsCreated() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Path dir = dataDir.resolve("never");
      HubProcess hub = started(HubProcess.run(Map.of(), "serve", "--host=127.0.0.1", "--port=" + taken.getLocalPort(),
          "--data-dir=" + dir));
      assertEquals(1, hub.awaitExit(WAIT));
      String said = "port " + taken.getLocalPort() + " on 127.0.0.1 is already in use";
      assertTrue(hub.output().contains(said + " (another hub or program listens there); choose another with --port"), hub.output());
      assertEquals(hub.output().indexOf(said), hub.output().lastIndexOf(said), "said once: " + hub.output());
      assertFalse(hub.output().contains("Exception"), hub.output());
      assertFalse(Files.exists(dir), "no data directory, no secret");
    }
  }

  /** Verifies that a file, the environment and flags apply in that order of strength, and unknown file keys are refused. */
  @Test
  void configFileThenEnvironmentThenFlags() throws Exception {
    Path file = dataDir.resolve("hub.properties");
    Files.writeString(file, "port = 0\nhost = 127.0.0.1\nretention-days = 7\ndata-dir = " + dataDir.resolve("from-file") + "\n"
        + "max-connections = 111\nmax-connections-per-address = 11\n");
    HubProcess hub = started(HubProcess.run(Map.of("HUB_DATA_DIR", dataDir.resolve("from-env").toString(),
            "HUB_MAX_CONNECTIONS", "222", "HUB_MAX_CONNECTIONS_PER_ADDRESS", "22"),
        "serve", "--config=" + file, "--no-auth", "--max-connections=333"));
    hub.port();
    try (java.util.stream.Stream<Path> files = Files.list(dataDir.resolve("from-env"))) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("readings")), "the environment beat the file");
    }
    assertTrue(hub.output().contains("at most 333 connections, 22 per address"),
        "the flag beat the environment, which beat the file: " + hub.output());
    assertTrue(hub.output().contains("auth OFF"), "the flag applied");
    assertTrue(hub.output().contains("authentication is OFF"), "and it warned");
    hub.close();

    Files.writeString(file, "prot = 8080\n");
    HubProcess typo = started(HubProcess.run(Map.of(), "serve", "--config=" + file));
    assertEquals(2, typo.awaitExit(WAIT));
    assertTrue(typo.output().contains("unknown setting(s) in " + file + ": prot"), typo.output());
  }

  /** Verifies that the hub generates an owner-only secret on first start and that 'token' prints a token it accepts. */
  @Test
  void generatedSecretAndTokenCommandLetADeviceIn(Vertx vertx) throws Exception {
    HubProcess hub = started(HubProcess.run(Map.of(), "serve", "--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir));
    int port = hub.port();
    Path secret = dataDir.resolve("token-secret");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
    assertTrue(hub.output().contains("generated a new token secret in " + secret), hub.output());

    HubProcess token = started(HubProcess.run(Map.of(), "token", "--device", "dev-cli", "--data-dir=" + dataDir));
    assertEquals(0, token.awaitExit(WAIT));
    String jwt = token.output().strip();
    assertEquals(3, jwt.split("\\.").length, "a JWT on standard output and nothing else: " + jwt);

    WebSocketClient client = DeviceClient.client(vertx);
    DeviceClient device = DeviceClient.connect(client, port, "dev-cli", jwt).await();
    device.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
    device.awaitAck(1, WAIT);
    assertEquals(401, DeviceClient.refusedStatus(client, port, "/ws/devices/dev-other", jwt, false));
    hub.close();

    HubProcess badId = started(HubProcess.run(Map.of(), "token", "--device", "no spaces", "--data-dir=" + dataDir));
    assertEquals(2, badId.awaitExit(WAIT));
    assertTrue(badId.output().contains("is not a valid device id"), badId.output());
  }

  /**
   * Verifies the token commands against a running hub, as an operator runs them on the hub's
   * machine: an api token reads the API, 'revoke' closes a device and refuses its token,
   * 'rotate-secret' brings in a new signing secret while the previous one is still accepted.
   */
  @Test
  void apiTokensRevocationAndRotationFromTheCommandLine(Vertx vertx) throws Exception {
    HubProcess hub = started(HubProcess.run(Map.of(), "serve", "--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir,
        "--reload-check-interval=200ms"));
    int port = hub.port();
    HubProcess apiToken = started(HubProcess.run(Map.of(), "token", "--api", "ops", "--role", "read", "--data-dir=" + dataDir));
    assertEquals(0, apiToken.awaitExit(WAIT));
    HubApi api = new HubApi(port, apiToken.output().strip());
    assertEquals(200, api.get("/api/devices").status());

    WebSocketClient client = DeviceClient.client(vertx);
    String deviceToken = mint("--device", "dev-cli");
    DeviceClient device = DeviceClient.connect(client, port, "dev-cli", deviceToken).await();
    device.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
    device.awaitAck(1, WAIT);

    HubProcess revoke = started(HubProcess.run(Map.of(), "revoke", "--device", "dev-cli", "--url", "http://127.0.0.1:" + port,
        "--data-dir=" + dataDir));
    assertEquals(0, revoke.awaitExit(WAIT), revoke.output());
    assertTrue(revoke.output().contains("its connection was closed"), revoke.output());
    assertEquals(1008, device.awaitClose(WAIT).code());
    assertEquals(401, DeviceClient.refusedStatus(client, port, "/ws/devices/dev-cli", deviceToken, false));
    String afterRevoke = mint("--device", "dev-cli");
    DeviceClient.connect(client, port, "dev-cli", afterRevoke).await().close();

    HubProcess revokeApi = started(HubProcess.run(Map.of(), "revoke", "--api", "ops", "--url", "http://127.0.0.1:" + port,
        "--data-dir=" + dataDir));
    assertEquals(0, revokeApi.awaitExit(WAIT), revokeApi.output());
    assertTrue(revokeApi.output().startsWith("api ops: tokens issued until "), revokeApi.output());
    assertEquals(401, api.get("/api/devices").status(), "the revoked api token is refused");

    HubProcess rotate = started(HubProcess.run(Map.of(), "rotate-secret", "--data-dir=" + dataDir));
    assertEquals(0, rotate.awaitExit(WAIT), rotate.output());
    assertTrue(rotate.output().contains("1 previous secret(s) still accepted"), rotate.output());
    String rotated = mint("--device", "dev-cli");
    Poll.until("the new secret is in use", WAIT, () -> accepted(client, port, rotated));
    assertTrue(accepted(client, port, afterRevoke), "the previous secret is still accepted");
    HubProcess drop = started(HubProcess.run(Map.of(), "rotate-secret", "--drop-previous", "--data-dir=" + dataDir));
    assertEquals(0, drop.awaitExit(WAIT), drop.output());
    Poll.until("the previous secret is refused", WAIT, () -> !accepted(client, port, afterRevoke));
    assertTrue(accepted(client, port, rotated));
    hub.close();
  }

  private static boolean accepted(WebSocketClient client, int port, String token) {
    try {
      DeviceClient.connect(client, port, "dev-cli", token).await(10, TimeUnit.SECONDS).close();
      return true;
    } catch (io.vertx.core.http.UpgradeRejectedException refused) {
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String mint(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("token"));
    command.addAll(List.of(args));
    command.add("--data-dir=" + dataDir);
    HubProcess token = started(HubProcess.run(Map.of(), command.toArray(String[]::new)));
    assertEquals(0, token.awaitExit(WAIT), token.output());
    return token.output().strip();
  }

  /** Verifies that 'hub subscribe' resumes after the hub restarts: the readings stored meanwhile, none twice. */
  @Test
  void subscribeResumesFromTheStoreAfterAReconnect(Vertx vertx) throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path data = dataDir.resolve("resume");
    org.telemetryhub.hub.testing.TestHub hub = org.telemetryhub.hub.testing.TestHub.start(data,
        o -> o.withListen(o.listen().withAddress("127.0.0.1", port)));
    long base = java.time.Instant.now().getEpochSecond() - 100;
    HubProcess subscriber = started(HubProcess.run(Map.of(), "subscribe", "readings/+", "--url", "ws://127.0.0.1:" + port,
        "--token", SubscriberClient.subscriberToken("readings/+")));
    try {
      Poll.until("subscribed", WAIT, () -> subscriber.output().contains("{\"ack\":\"subscribe\"}"));
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), port, "dev-resume");
      for (int i = 0; i < 10; i++) {
        device.sendPackets(20f, base + i, 40f, 1000f);
      }
      Poll.until("ten readings printed", WAIT, () -> printedTs(subscriber).size() == 10);
      hub.close();

      hub = org.telemetryhub.hub.testing.TestHub.start(data, o -> o.withListen(o.listen().withAddress("127.0.0.1", port)));
      DeviceClient again = DeviceClient.open(DeviceClient.client(vertx), port, "dev-resume");
      for (int i = 10; i < 20; i++) {
        again.sendPackets(20f, base + i, 40f, 1000f);
      }
      again.awaitAck(10, WAIT); // stored, most likely before the subscriber is back: they come from the store
      Poll.until("twenty readings printed", Duration.ofSeconds(40), () -> printedTs(subscriber).size() >= 20);
      // The marker: one live reading more. Stored readings of a resume come before live ones, so a
      // repeat would be printed before it.
      again.sendPackets(20f, base + 20, 40f, 1000f);
      Poll.until("the marker printed", Duration.ofSeconds(40), () -> printedTs(subscriber).contains(base + 20));
      List<Long> printed = printedTs(subscriber);
      assertEquals(java.util.stream.LongStream.range(base, base + 21).boxed().toList(), printed.stream().sorted().toList(),
          "every reading once: " + subscriber.output());
      assertTrue(subscriber.output().contains("subscribe: resuming readings after"), subscriber.output());
    } finally {
      hub.close();
    }
  }

  private static List<Long> printedTs(HubProcess subscriber) {
    return java.util.Arrays.stream(subscriber.output().split("\n")).filter(line -> line.startsWith("{\"channel\":\"readings/"))
        .map(line -> new io.vertx.core.json.JsonObject(line).getJsonObject("payload").getLong("ts")).toList();
  }

  /** Verifies 'hub subscribe' over wss:// trusting the hub's self-signed certificate with --trust-cert. */
  @Test
  void terminalSubscriberOverTls(Vertx vertx) throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dataDir, "hub");
    HubProcess hub = started(HubProcess.serve(dataDir.resolve("data"), "--tls-cert=" + certificate.certificate(),
        "--tls-key=" + certificate.key()));
    int port = hub.port();
    assertTrue(hub.output().contains("TLS: https and wss"), hub.output());
    HubProcess refused = started(HubProcess.run(Map.of(), "subscribe", "readings/+", "--url", "wss://127.0.0.1:" + port,
        "--token", SubscriberClient.subscriberToken("readings/+")));
    Poll.until("an untrusted certificate is reported", WAIT, () -> refused.output().contains("cannot connect"));
    refused.close();
    HubProcess subscriber = started(HubProcess.run(Map.of(), "subscribe", "readings/+", "--url", "wss://127.0.0.1:" + port,
        "--trust-cert", certificate.certificate().toString(), "--token", SubscriberClient.subscriberToken("readings/+")));
    Poll.until("subscribed", WAIT, () -> subscriber.output().contains("{\"ack\":\"subscribe\"}"));
    WebSocketClient wss = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions().setSsl(true)
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(certificate.certificate().toString())));
    DeviceClient device = DeviceClient.await(wss.connect(new io.vertx.core.http.WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setSsl(true).setURI("/ws/devices/dev-tls")
        .addHeader("Authorization", "Bearer " + TestHub.token("dev-tls"))).map(ws -> DeviceClient.wrap(ws, wss)));
    long ts = Instant.now().getEpochSecond();
    device.sendPackets(21.5f, ts, 40.25f, 1013.5f);
    Poll.until("the reading printed", WAIT, () -> subscriber.output().contains("\"ts\":" + ts));
    subscriber.close();
    hub.close();
  }

  /** Verifies the terminal subscriber: prints what a device sent as JSON lines, and reconnects and resubscribes when the hub comes back. */
  @Test
  void terminalSubscriberPrintsReadingsAndSurvivesAHubRestart(Vertx vertx) throws Exception {
    String[] serve = {"serve", "--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir, "--token-secret=" + TestHub.SECRET};
    HubProcess hub = started(HubProcess.run(Map.of(), serve));
    int port = hub.port();
    String token = SubscriberClient.subscriberToken("readings/+");
    HubProcess subscriber = started(HubProcess.run(Map.of(), "subscribe", "readings/+", "--url", "ws://127.0.0.1:" + port,
        "--token", token));
    Poll.until("subscribed", WAIT, () -> subscriber.output().contains("{\"ack\":\"subscribe\"}"));

    WebSocketClient client = DeviceClient.client(vertx);
    long ts = Instant.now().getEpochSecond();
    DeviceClient device = DeviceClient.open(client, port, "dev-t");
    device.sendPackets(21.5f, ts, 40.25f, 1013.5f);
    String line = "{\"channel\":\"readings/dev-t\",\"payload\":{\"device\":\"dev-t\",\"ts\":" + ts
        + ",\"temperature\":21.5,\"humidity\":40.25,\"pressure\":1013.5}}";
    Poll.until("the reading printed", WAIT, () -> subscriber.output().lines().anyMatch(line::equals));

    hub.terminate();
    hub.awaitExit(WAIT);
    String[] again = serve.clone();
    again[1] = "--port=" + port; // the same port, as a restarted service would have
    HubProcess restarted = started(HubProcess.run(Map.of(), again));
    restarted.port();
    Poll.until("subscribed again", Duration.ofSeconds(40),
        () -> subscriber.output().lines().filter("{\"ack\":\"subscribe\"}"::equals).count() == 2);
    DeviceClient.open(client, port, "dev-t").sendPackets(22.5f, ts + 1, 40.25f, 1013.5f);
    Poll.until("a reading after the restart", WAIT,
        () -> subscriber.output().contains("\"ts\":" + (ts + 1)));
    assertTrue(subscriber.output().contains("reconnecting in"), subscriber.output());
    subscriber.close();
    restarted.close();
  }
}
