package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.InfluxServer;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.SubscriberClient;

/**
 * The compose file's 'cluster' profile without a Docker engine: Debian's docker-compose resolves
 * it, and its services run natively with the settings it gives them (three hub processes, HAProxy
 * with deploy/haproxy.cfg, influxd, the device-sim fleet through HAProxy). Only what a container
 * network provides is rewritten: service names and ports become loopback ports, volumes become
 * directories.
 *
 * <p>While the fleet streams: one hub is killed (SIGKILL), started again, then another is
 * stopped (SIGTERM). The fleet loses nothing, the store holds every generated reading, and a
 * subscriber on the hub that stays keeps receiving without resubscribing. The test prints a
 * report line with the figures (time to reconnect, devices marked "node lost", counts).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterComposeIT {

  private static final Path COMPOSE_FILE = Path.of("..", "docker-compose.yml");
  private static final Path HAPROXY_CONFIG = Path.of("..", "deploy", "haproxy.cfg");
  private static final Path HUB_JAR = Path.of("..", "hub", "target", "hub.jar");
  private static final List<String> HUBS = List.of("hub-1", "hub-2", "hub-3");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private final Map<String, Integer> httpPorts = new HashMap<>();
  private final Map<String, Integer> clusterPorts = new HashMap<>();
  private final Map<String, HubProcess> hubs = new HashMap<>();
  private JsonNode services;
  private InfluxServer influx;

  @Test
  void bothProfilesAreValid() throws Exception {
    assertEquals("", run(dockerCompose(), "-f", COMPOSE_FILE.toString(), "config", "-q"));
    assertEquals("", run(dockerCompose(), "-f", COMPOSE_FILE.toString(), "--profile", "cluster", "config", "-q"));
    run(haproxy(), "-c", "-f", HAPROXY_CONFIG.toString()); // valid (the hubs' names resolve only in the compose network)
  }

  @Test
  void aFleetThroughHaproxyLosesNothingWhenOneHubIsKilledAndAnotherStops() throws Exception {
    services = new ObjectMapper(new YAMLFactory()).readTree(
        run(dockerCompose(), "-f", COMPOSE_FILE.toString(), "--profile", "cluster", "config")).get("services");
    for (String hub : HUBS) {
      httpPorts.put(hub, freePort());
      clusterPorts.put(hub, freePort());
    }
    Process haproxy = null;
    Process sim = null;
    Vertx vertx = Vertx.vertx();
    try (InfluxServer server = InfluxServer.start(dir.resolve("influx"))) {
      influx = server;
      makeClusterCertificates();
      // hub-1 first: it generates the token secret the others and the fleet read (depends_on in the file).
      start("hub-1");
      start("hub-2");
      start("hub-3");
      awaitFormed();

      int proxyPort = freePort();
      int statsPort = freePort();
      Path proxyConfig = dir.resolve("haproxy.cfg");
      // The test's own addition: HAProxy's view of each hub (UP or DOWN), as CSV.
      Files.writeString(proxyConfig, rewrite(Files.readString(HAPROXY_CONFIG)).replace("bind :8080", "bind 127.0.0.1:" + proxyPort)
          + "\nlisten stats\n    bind 127.0.0.1:" + statsPort + "\n    stats enable\n    stats uri /stats\n");
      haproxy = new ProcessBuilder(haproxy(), "-db", "-f", proxyConfig.toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
      HubApi throughProxy = new HubApi(proxyPort, null);
      Poll.until("HAProxy answering /health/ready", WAIT, () -> proxyAnswers(throughProxy));

      // A subscriber on hub-1, which stays up throughout.
      WebSocketClient client = SubscriberClient.client(vertx, false);
      SubscriberClient subscriber = DeviceClient.await(SubscriberClient.connect(client, httpPorts.get("hub-1"),
          token("--subscriber", "watcher", "--channels", "readings/+,status/+"), null));
      subscriber.subscribe("all", "readings/+", "status/+");

      List<String> simCommand = new ArrayList<>(List.of(java(), "-jar", Path.of("target", "device-sim.jar").toString()));
      services.get("device-sim-cluster").get("command").forEach(arg -> simCommand.add(rewrite(arg.asText())
          .replace("ws://haproxy:8080", "ws://127.0.0.1:" + proxyPort)));
      int devices = Integer.parseInt(simCommand.get(simCommand.indexOf("--devices") + 1));
      Path summaryFile = dir.resolve("summary.json");
      simCommand.addAll(List.of("--duration", "50s", "--drain", "60s", "--progress-every", "5s", "--json", summaryFile.toString()));
      sim = new ProcessBuilder(simCommand).redirectErrorStream(true).redirectOutput(dir.resolve("device-sim.log").toFile()).start();
      HubApi hub1 = new HubApi(httpPorts.get("hub-1"), token("--api", "test", "--role", "read"));
      Poll.until("all " + devices + " devices online", WAIT, () -> online(hub1, null) == devices);

      // kill -9 one hub: its devices reconnect through HAProxy to the others.
      long killedAt = System.nanoTime();
      hubs.get("hub-2").kill();
      Poll.until("all devices online again, none on hub-2", WAIT, () -> online(hub1, "hub-2") == devices);
      long reconnectMillis = (System.nanoTime() - killedAt) / 1_000_000;
      int receivedAtKill = subscriber.messagesOn("readings/").size();
      long nodeLost = subscriber.messagesOn("status/").stream()
          .filter(m -> "node lost".equals(m.getJsonObject("payload").getString("reason"))).count();

      // It comes back and joins; nothing is rebalanced, but it takes new connections.
      start("hub-2");
      awaitFormed();
      Poll.until("HAProxy seeing hub-2 up again", WAIT, () -> proxyStatus(statsPort, "hub-2").startsWith("UP"));

      // SIGTERM another: its devices get 1001 and reconnect, hub-2 (fewest connections) takes them.
      long stoppedAt = System.nanoTime();
      hubs.get("hub-3").terminate();
      assertEquals(143, hubs.get("hub-3").awaitExit(Duration.ofSeconds(30)), "SIGTERM: 128 + 15");
      Poll.until("all devices online again, none on hub-3", WAIT, () -> online(hub1, "hub-3") == devices);
      long leaveMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
      int onHub2 = heldBy(hub1, "hub-2");
      assertTrue(onHub2 > 0, "the rejoined hub-2 took connections");
      int receivedAtLeave = subscriber.messagesOn("readings/").size();

      assertTrue(sim.waitFor(3, TimeUnit.MINUTES), "the fleet finished");
      String simLog = Files.readString(dir.resolve("device-sim.log"));
      assertEquals(0, sim.exitValue(), simLog);
      JsonObject summary = new JsonObject(Files.readString(summaryFile));
      assertEquals(0, summary.getLong("lost"), simLog);
      assertEquals(0, summary.getLong("missing"), simLog);
      long generated = summary.getLong("generated");
      assertEquals(generated, summary.getLong("acked"), simLog);
      long stored;
      try (InfluxDB influxClient = InfluxDBFactory.connect(influx.url())) {
        stored = storedReadings(influxClient, services.get("hub-1").get("environment").get("HUB_INFLUX_DATABASE").asText());
      }
      assertEquals(generated, stored, "InfluxDB holds every generated reading, each once");
      assertFalse(subscriber.isClosed(), "the subscriber on hub-1 was never disconnected");
      assertTrue(receivedAtLeave > receivedAtKill && subscriber.messagesOn("readings/").size() > receivedAtLeave,
          "the subscriber kept receiving after each loss, without resubscribing");

      System.out.printf("cluster run: %d devices through HAProxy, 3 hubs; kill -9 hub-2: all online elsewhere after %d ms "
              + "(%d devices marked 'node lost' before reconnecting); SIGTERM hub-3: all online elsewhere after %d ms "
              + "(hub-2, rejoined, took %d); readings generated %d, acked %d, stored %d, lost %d; subscriber received %d%n",
          devices, reconnectMillis, nodeLost, leaveMillis, onHub2, generated, summary.getLong("acked"), stored,
          summary.getLong("lost"), subscriber.messagesOn("readings/").size());
    } finally {
      if (sim != null) {
        sim.destroyForcibly();
      }
      if (haproxy != null) {
        haproxy.destroyForcibly();
      }
      hubs.values().forEach(HubProcess::close);
      vertx.close();
    }
  }

  // ---- the compose services, natively ----

  private void start(String hub) throws IOException {
    Map<String, String> environment = new HashMap<>();
    services.get(hub).get("environment").fields().forEachRemaining(e -> environment.put(e.getKey(), rewrite(e.getValue().asText())));
    environment.replaceAll((name, value) -> value.equals("/data") ? dataDir(hub).toString() : value);
    environment.put("HUB_HOST", "127.0.0.1");
    environment.put("HUB_PORT", String.valueOf(httpPorts.get(hub)));
    environment.put("HUB_CLUSTER_HOST", "127.0.0.1");
    environment.put("HUB_CLUSTER_PORT", String.valueOf(clusterPorts.get(hub)));
    environment.put("HUB_CLUSTER_BUS_PORT", "0"); // one fixed port per container; several processes here
    assertEquals(hub, environment.get("HUB_NODE_NAME"));
    List<String> args = new ArrayList<>();
    services.get(hub).get("command").forEach(arg -> args.add(arg.asText()));
    HubProcess process = HubProcess.run(HUB_JAR, environment, args);
    hubs.put(hub, process);
    process.port();
  }

  /** The cluster-certs service: its entrypoint (deploy/cluster-certs.sh, copied into the image) run natively. */
  private void makeClusterCertificates() throws Exception {
    List<String> command = new ArrayList<>();
    services.get("cluster-certs").get("entrypoint").forEach(arg -> command.add(rewrite(arg.asText()
        .replace("/opt/telemetry-hub/cluster-certs.sh", Path.of("..", "deploy", "cluster-certs.sh").toString()))));
    Process certs = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(certs.getInputStream().readAllBytes());
    assertEquals(0, certs.waitFor(), "cluster-certs: " + output);
  }

  /** What the container network provides, on loopback: service names and ports, and the shared volumes. */
  private String rewrite(String value) {
    String rewritten = value.replace("http://influxdb:8086", influx == null ? "" : influx.url())
        .replace("/hub-1-data", dataDir("hub-1").toString())
        .replaceAll("(?<![\\w./-])/cluster-certs(?=/|$)", dir.resolve("cluster-certs").toString()); // the volume, not the script
    for (String hub : HUBS) {
      rewritten = rewritten.replace(hub + ":5701", "127.0.0.1:" + clusterPorts.get(hub))
          .replace(hub + ":8080", "127.0.0.1:" + httpPorts.get(hub));
    }
    return rewritten;
  }

  private Path dataDir(String hub) {
    return dir.resolve(hub + "-data");
  }

  private void awaitFormed() {
    for (String hub : HUBS) {
      HubProcess process = hubs.get(hub);
      if (process == null || !process.isAlive()) {
        continue;
      }
      for (String other : HUBS) {
        HubProcess otherProcess = hubs.get(other);
        if (!other.equals(hub) && otherProcess != null && otherProcess.isAlive()) {
          Poll.until(hub + " knowing " + other, WAIT, () -> {
            String output = process.output();
            return output.lastIndexOf("cluster: node " + other + " joined") > output.lastIndexOf("cluster: node " + other + " left");
          });
        }
      }
    }
  }

  /** A token from the cluster's secret (generated by hub-1), as 'hub token' mints it. */
  private String token(String... what) throws Exception {
    List<String> args = new ArrayList<>(List.of("token", "--token-secret-file", dataDir("hub-1").resolve("token-secret").toString()));
    args.addAll(List.of(what));
    HubProcess token = HubProcess.run(HUB_JAR, Map.of(), args);
    assertEquals(0, token.awaitExit(Duration.ofSeconds(30)), token.output());
    return token.output().lines().filter(line -> line.startsWith("eyJ")).findFirst()
        .orElseThrow(() -> new AssertionError("no token printed: " + token.output()));
  }

  // ---- what the test observes ----

  /** HAProxy's status of one server ("UP", "DOWN", "UP 1/2", ...), from its stats page; "" when it has none yet. */
  private static String proxyStatus(int statsPort, String server) {
    String csv = new HubApi(statsPort, null).get("/stats;csv").body();
    for (String line : csv.split("\n")) {
      String[] fields = line.split(",", -1);
      if (fields.length > 17 && fields[1].equals(server)) {
        return fields[17];
      }
    }
    return "";
  }

  private static boolean proxyAnswers(HubApi throughProxy) {
    try {
      return throughProxy.get("/health/ready").status() == 200;
    } catch (AssertionError e) {
      return false;
    }
  }

  /** Devices online, none of them on {@code notOn} (null: anywhere). */
  private static int online(HubApi api, String notOn) {
    JsonArray devices = api.get("/api/devices").json().getJsonArray("devices");
    int online = 0;
    for (Object device : devices) {
      JsonObject view = (JsonObject) device;
      if (view.getString("device").startsWith("cluster-") && "online".equals(view.getString("state"))
          && (notOn == null || !notOn.equals(view.getString("node")))) {
        online++;
      }
    }
    return online;
  }

  private static int heldBy(HubApi api, String node) {
    return (int) api.get("/api/devices").json().getJsonArray("devices").stream()
        .filter(device -> node.equals(((JsonObject) device).getString("node"))).count();
  }

  private static long storedReadings(InfluxDB client, String database) {
    QueryResult result = client.query(new Query("SELECT count(temperature) FROM readings WHERE device =~ /^cluster-/", database));
    if (result.hasError() || result.getResults().get(0).getSeries() == null) {
      throw new AssertionError("counting readings in InfluxDB: " + result);
    }
    return ((Number) result.getResults().get(0).getSeries().get(0).getValues().get(0).get(1)).longValue();
  }

  // ---- tools ----

  /** Runs a tool; fails the test unless it exits 0. Returns its standard output (its errors go to the failure message). */
  private String run(String... command) throws Exception {
    Path errors = Files.createTempFile(dir, "stderr", ".txt");
    Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
    assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output + Files.readString(errors));
    return output;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String dockerCompose() {
    return onPath("docker-compose", "apt-get install -y docker-compose");
  }

  private static String haproxy() {
    return onPath("haproxy", "apt-get install -y haproxy");
  }

  private static String onPath(String tool, String install) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin") + File.pathSeparator + "/usr/sbin";
    for (String directory : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(directory, tool))) {
        return Path.of(directory, tool).toString();
      }
    }
    throw new AssertionError(tool + " not found on PATH: install it (" + install + "); .ci/run does this before running the tests");
  }
}
