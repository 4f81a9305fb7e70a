package org.telemetryhub.hub.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;

/**
 * The limits an operator sets on connections, over real sockets: silent and slow sockets are
 * closed at their deadline, one address cannot take every connection, handshakes are rate
 * limited per address. Devices from other addresses (127.0.0.2: loopback has the whole
 * 127.0.0.0/8) keep connecting and streaming throughout.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ConnectionLimitsIT {

  /** The test's own API calls come from 127.0.0.1; attackers and neighbours from addresses of their own. */
  private static final String ATTACKER = "127.0.0.5";
  private static final String NEIGHBOUR = "127.0.0.2";

  @TempDir
  Path dataDir;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  private Socket open(int port, String from) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    sockets.add(socket);
    return socket;
  }

  /** What the hub sent before closing the socket, or null if it is still open after {@code wait}. */
  private static String readUntilClosed(Socket socket, Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    InputStream in = socket.getInputStream();
    StringBuilder received = new StringBuilder();
    byte[] buffer = new byte[4096];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        received.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
      }
      return received.toString();
    } catch (SocketTimeoutException stillOpen) {
      return null;
    } catch (java.net.SocketException reset) {
      return received.toString();
    }
  }

  private static DeviceClient deviceFrom(Vertx vertx, String address, int port, String id) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(address));
    return DeviceClient.open(client, port, id);
  }

  private static void streams(DeviceClient device) {
    device.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
    device.awaitAck(1, Duration.ofSeconds(10));
  }

  /** Verifies that sockets that send nothing, or never finish their headers, are closed at the header timeout and counted. */
  @Test
  void silentAndSlowHeaderSocketsAreClosedAtTheDeadline(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withEdge(o.edge().withHeaderTimeout(Duration.ofMillis(500))))) {
      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Socket socket = open(hub.port(), ATTACKER);
        if (i % 2 == 0) {
          socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        }
        slow.add(socket);
      }
      for (Socket socket : slow) {
        assertTrue(readUntilClosed(socket, Duration.ofSeconds(10)) != null, "closed by the hub");
      }
      HubApi api = hub.api();
      assertEquals(100.0, api.metric("hub_tcp_connections_timed_out_total{phase=\"headers\"}"));
      streams(deviceFrom(vertx, NEIGHBOUR, hub.port(), "dev-1"));
    }
  }

  /** Verifies that a keep-alive connection is closed when no request follows within the idle timeout. */
  @Test
  void idleKeepAliveConnectionsAreClosed() throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withEdge(o.edge().withIdleTimeout(Duration.ofMillis(500))))) {
      Socket socket = open(hub.port(), ATTACKER);
      socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String received = readUntilClosed(socket, Duration.ofSeconds(10));
      assertTrue(received != null && received.startsWith("HTTP/1.1 200"), String.valueOf(received));
      assertEquals(1.0, hub.api().metric("hub_tcp_connections_timed_out_total{phase=\"idle\"}"));
    }
  }

  /**
   * Verifies that a request that takes longer than the idle timeout gets its answer: a history
   * query to an InfluxDB that stopped answering (a real influxd behind a proxy that turned into a
   * black hole) is answered with the store's error once the client gives up on it, and only then
   * does the idle deadline start. Before, the connection was closed 1 s into the request, unanswered.
   */
  @Test
  void aRequestLongerThanTheIdleTimeoutIsAnswered() throws Exception {
    try (org.telemetryhub.hub.testing.InfluxServer influx = org.telemetryhub.hub.testing.InfluxServer.start(dataDir.resolve("influx"));
         org.telemetryhub.hub.testing.FaultProxy proxy =
             org.telemetryhub.hub.testing.FaultProxy.to(Integer.parseInt(influx.url().replaceAll(".*:", "")));
         TestHub hub = TestHub.start(dataDir.resolve("hub"), o -> o.withEdge(o.edge().withIdleTimeout(Duration.ofSeconds(1)))
             .withStore(o.store().withInflux("http://127.0.0.1:" + proxy.port())))) {
      proxy.mode(org.telemetryhub.hub.testing.FaultProxy.Mode.BLACK_HOLE);
      Socket socket = open(hub.port(), ATTACKER);
      String token = org.telemetryhub.hub.testing.Tokens.api("reader", org.telemetryhub.hub.auth.ApiAccess.Role.READ);
      socket.getOutputStream().write(("GET /api/devices/dev-1/readings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      String received = readUntilClosed(socket, Duration.ofSeconds(40));
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      System.out.println("answered after " + tookMillis + " ms: " + received);
      assertTrue(received != null && received.startsWith("HTTP/1.1 5"), "the store's error, not a closed connection: " + received);
      assertTrue(tookMillis > 1_000, "the answer came after the idle timeout");
    }
  }

  /**
   * Verifies that the idle deadline starts once an answer has been written, not when its request
   * started: a client that reads a large answer (the fleet of 30,000 devices, about 9 MB: more
   * than the kernel's socket buffers hold) slowly, for several times the idle timeout, gets all of
   * it, and the connection is closed as idle after it.
   */
  @Test
  void aSlowReaderOfALargeAnswerGetsAllOfIt() throws Exception {
    long now = Instant.now().getEpochSecond();
    try (org.telemetryhub.hub.store.rocksdb.RocksReadingStore store =
             org.telemetryhub.hub.store.rocksdb.RocksReadingStore.open(dataDir, 2)) {
      List<org.telemetryhub.hub.protocol.Reading> readings = new ArrayList<>();
      for (int i = 0; i < 30_000; i++) {
        readings.add(new org.telemetryhub.hub.protocol.Reading(String.format("dev-%05d", i), now - 60, 21.5f, 40f, 1000f));
      }
      store.write(readings);
    }
    try (TestHub hub = TestHub.start(dataDir, o -> o.withEdge(o.edge().withIdleTimeout(Duration.ofSeconds(1))))) {
      Socket socket = new Socket();
      sockets.add(socket);
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", hub.port()), 5_000);
      String token = org.telemetryhub.hub.testing.Tokens.api("reader", org.telemetryhub.hub.auth.ApiAccess.Role.READ);
      socket.getOutputStream().write(("GET /api/devices HTTP/1.1\r\n"
          + "Host: x\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      socket.setSoTimeout(10_000);
      java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
      byte[] buffer = new byte[16384];
      long started = System.nanoTime();
      try {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          received.write(buffer, 0, read);
          Thread.sleep(4); // about 3 MB/s at most: the answer takes several idle timeouts to read
        }
      } catch (java.net.SocketException reset) {
        // what arrived before the reset is judged below
      }
      long readMillis = (System.nanoTime() - started) / 1_000_000;
      String text = received.toString(StandardCharsets.US_ASCII);
      int bodyStart = text.indexOf("\r\n\r\n") + 4;
      java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
      assertTrue(text.startsWith("HTTP/1.1 200") && length.find(), text.substring(0, Math.min(300, text.length())));
      int expected = Integer.parseInt(length.group(1));
      System.out.println("read " + (text.length() - bodyStart) + " of " + expected + " bytes in " + readMillis + " ms");
      assertTrue(readMillis > 2_000, "the answer took " + readMillis + " ms to read, more than the idle timeout of 1 s");
      assertEquals(expected, text.length() - bodyStart, "the whole answer arrived");
      assertEquals(1.0, hub.api().metric("hub_tcp_connections_timed_out_total{phase=\"idle\"}"), "then closed as idle");
    }
  }

  /** Verifies that a connection that asked to upgrade and is no WebSocket by the upgrade timeout is closed. */
  @Test
  void anUpgradeThatDoesNotHappenIsClosed() throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withEdge(o.edge().withUpgradeTimeout(Duration.ofMillis(500))))) {
      Socket socket = open(hub.port(), ATTACKER);
      socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertTrue(readUntilClosed(socket, Duration.ofSeconds(10)) != null);
      assertEquals(1.0, hub.api().metric("hub_tcp_connections_timed_out_total{phase=\"upgrade\"}"));
    }
  }

  /**
   * Verifies that one address cannot hold more than its share: past the limit its connections are
   * answered 503 and closed at once, counted, while another address connects and streams.
   */
  @Test
  void oneAddressCannotTakeEveryConnection(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withEdge(o.edge().withConnectionLimits(30, 10)))) {
      for (int i = 0; i < 10; i++) {
        open(hub.port(), ATTACKER);
      }
      Poll.until("10 connections held", Duration.ofSeconds(10), () -> hub.api().metric("hub_tcp_connections") >= 10);
      Socket refused = open(hub.port(), ATTACKER);
      String answer = readUntilClosed(refused, Duration.ofSeconds(5));
      assertTrue(answer != null && answer.startsWith("HTTP/1.1 503"), String.valueOf(answer));
      assertTrue(answer.contains("\r\nRetry-After: 5\r\n"), answer);
      assertTrue(answer.contains("address " + ATTACKER + " holds its limit of 10 connections"), answer);
      assertEquals(1.0, hub.api().metric("hub_tcp_connections_refused_total{reason=\"max_per_address\"}"));

      streams(deviceFrom(vertx, NEIGHBOUR, hub.port(), "dev-2"));
      // Many addresses together reach the overall limit.
      String full = null;
      for (int i = 0; i < 40 && full == null; i++) {
        Socket socket = open(hub.port(), "127.0.0." + (10 + i % 5));
        full = readUntilClosed(socket, Duration.ofMillis(200));
      }
      assertTrue(full != null && full.contains("the hub holds its limit of 30 connections"), String.valueOf(full));
      closeSockets();
      sockets.clear();
      Poll.until("room again", Duration.ofSeconds(10), () -> hub.api().get("/health").status() == 200);
      assertTrue(hub.api().metric("hub_tcp_connections_refused_total{reason=\"max_connections\"}") >= 1.0);
    }
  }

  /**
   * Verifies that a hub at its connection limit still answers its health checks (a full hub is
   * not dead: a failing liveness probe would have it restarted with every connection it holds),
   * while anything else on those few connections past the limit gets 503 with Retry-After.
   */
  @Test
  void aFullHubStillAnswersItsHealthChecks(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withEdge(o.edge().withConnectionLimits(20, 5)))) {
      for (int i = 0; i < 20; i++) {
        open(hub.port(), "127.0.0." + (20 + i / 5)); // silent sockets from four addresses fill the hub
      }
      Poll.until("the hub is full", Duration.ofSeconds(10), () -> rawRequest(hub.port(), "GET /metrics").status() == 503);
      assertEquals(200, rawRequest(hub.port(), "GET /health/live").status(), "liveness answers on a full hub");
      assertEquals(200, rawRequest(hub.port(), "GET /health/ready").status(), "full is not unready: it stores");
      RawAnswer other = rawRequest(hub.port(), "GET /api/devices");
      assertEquals(503, other.status(), other.text());
      assertTrue(other.text().toLowerCase(java.util.Locale.ROOT).contains("\r\nretry-after: 5\r\n")
          && other.text().contains("limit of 20 connections"), other.text());
      assertEquals(503, DeviceClient.refusedStatus(DeviceClient.client(vertx), hub.port(), "/ws/devices/dev-1",
          TestHub.token("dev-1"), false), "an upgrade on a full hub is refused");
    }
  }

  private record RawAnswer(int status, String text) {
  }

  /** Sends one request line on a new socket from 127.0.0.1 and reads the answer until the hub closes. */
  private static RawAnswer rawRequest(int port, String requestLine) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String text = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return new RawAnswer(Integer.parseInt(text.substring(9, 12)), text);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(requestLine + " failed: " + e, e);
    }
  }

  /** Verifies that upgrades beyond an address's handshake rate get 429 with Retry-After, and other addresses do not notice. */
  @Test
  void handshakesBeyondTheRateGet429(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir, o -> o.withEdge(o.edge().withHandshakeRatePerAddress(1)))) {
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(ATTACKER));
      int accepted = 0;
      int limited = 0;
      for (int i = 0; i < 15; i++) {
        try {
          DeviceClient.connect(client, hub.port(), "burst-" + i, TestHub.token("burst-" + i))
              .await(10, TimeUnit.SECONDS).close();
          accepted++;
        } catch (io.vertx.core.http.UpgradeRejectedException e) {
          assertEquals(429, e.getStatus());
          assertTrue(Integer.parseInt(e.getHeaders().get("Retry-After")) >= 1);
          assertTrue(e.getBody().toString().contains("too many WebSocket handshakes from " + ATTACKER), e.getBody().toString());
          limited++;
        }
      }
      assertTrue(accepted >= 10 && accepted <= 11, "a burst of ten, then about one a second: " + accepted);
      assertEquals(15 - accepted, limited);
      assertEquals(limited, (int) hub.api().metric("hub_handshakes_rate_limited_total"));
      streams(deviceFrom(vertx, NEIGHBOUR, hub.port(), "dev-3"));
    }
  }

  /** Verifies that an upgrade request with a malformed Sec-WebSocket-Key is refused with 400 before anything else. */
  @Test
  void malformedWebSocketKeysAreRefused() throws Exception {
    try (TestHub hub = TestHub.start(dataDir)) {
      for (String key : new String[] {"short", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "!!!!!!!!!!!!!!!!!!!!!!==", ""}) {
        Socket socket = open(hub.port(), ATTACKER);
        socket.getOutputStream().write(("GET /ws/devices/dev-1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + "\r\n"
            + "Authorization: Bearer " + TestHub.token("dev-1") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(5_000);
        byte[] head = new byte[12];
        int read = socket.getInputStream().readNBytes(head, 0, 12);
        assertEquals("HTTP/1.1 400", new String(head, 0, read, StandardCharsets.US_ASCII), "key '" + key + "'");
      }
    }
  }
}
