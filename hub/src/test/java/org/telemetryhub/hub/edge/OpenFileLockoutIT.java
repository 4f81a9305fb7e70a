package org.telemetryhub.hub.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.SelfSignedCertificate;
import org.telemetryhub.hub.testing.TestHub;

/**
 * The packaged hub with an open-file limit of 1,024 and its default connection limits, against
 * 1,000 silent sockets from one address: they take a quarter of the connections the hub can
 * hold, the rest are refused, and devices and /health from other addresses still get in.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class OpenFileLockoutIT {

  @TempDir
  Path dataDir;

  /** Verifies that 1,000 silent sockets from one address do not lock out devices and /health at 1,024 open files. */
  @Test
  void silentSocketsFromOneAddressDoNotLockOutTheFleet(Vertx vertx) throws Exception {
    List<String> args = List.of("serve", "--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir,
        "--token-secret=" + TestHub.SECRET);
    List<Socket> silent = new ArrayList<>();
    try (HubProcess hub = HubProcess.run(List.of("prlimit", "--nofile=1024:1024"), HubProcess.jar(), Map.of(), args)) {
      int port = hub.port();
      assertTrue(hub.output().contains("at most 922 connections, 230 per address"), hub.output());
      for (int i = 0; i < 1000; i++) {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress("127.0.0.5", 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        silent.add(socket);
      }
      HubApi api = new HubApi(port);
      assertEquals(200, api.get("/health").status(), "health answers");
      DeviceClient device = DeviceClient.open(vertx.createWebSocketClient(new WebSocketClientOptions()
          .setLocalAddress("127.0.0.2")), port, "dev-1");
      device.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
      device.awaitAck(1, Duration.ofSeconds(10));
      int held = (int) api.metric("hub_tcp_connections");
      assertTrue(held <= 230 + 3, "connections the hub holds: " + held);
      assertEquals(770.0, api.metric("hub_tcp_connections_refused_total{reason=\"max_per_address\"}"));
    } finally {
      for (Socket socket : silent) {
        socket.close();
      }
    }
  }

  /**
   * Verifies the same over TLS, where a socket that never sends its ClientHello is counted and
   * limited from the moment it is accepted, not only once a handshake it never starts completes.
   */
  @Test
  void silentTlsSocketsFromOneAddressDoNotLockOutTheFleet(Vertx vertx) throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dataDir, "hub");
    List<String> args = List.of("serve", "--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir.resolve("data"),
        "--token-secret=" + TestHub.SECRET, "--tls-cert=" + certificate.certificate(), "--tls-key=" + certificate.key());
    List<Socket> silent = new ArrayList<>();
    try (HubProcess hub = HubProcess.run(List.of("prlimit", "--nofile=1024:1024"), HubProcess.jar(), Map.of(), args)) {
      int port = hub.port();
      WebSocketClient wss = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setLocalAddress("127.0.0.2")
          .setTrustOptions(new PemTrustOptions().addCertPath(certificate.certificate().toString())));
      wssDevice(wss, port, "dev-0", Duration.ofSeconds(10)); // the client's TLS warmed up, so that what follows times the hub
      for (int i = 0; i < 1000; i++) {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress("127.0.0.5", 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        silent.add(socket); // no ClientHello, ever
      }
      long start = System.nanoTime();
      wssDevice(wss, port, "dev-1", Duration.ofSeconds(2));
      long connectedMillis = (System.nanoTime() - start) / 1_000_000;

      HttpClient https = HttpClient.newBuilder().sslContext(SelfSignedCertificate.trusting(certificate.certificate())).build();
      HttpResponse<String> metrics = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      double held = metricValue(metrics.body(), "hub_tcp_connections");
      double refused = metricValue(metrics.body(), "hub_tcp_connections_refused_total{reason=\"max_per_address\"}");
      assertTrue(held >= 230 && held <= 230 + 5, "the silent sockets are counted, and only a quarter held: " + held);
      assertEquals(770.0, refused, "the rest refused at accept");
      System.out.printf("1,000 silent TLS sockets: %.0f held, %.0f refused; a wss device acked %d ms after them%n", held,
          refused, connectedMillis);
    } finally {
      for (Socket socket : silent) {
        socket.close();
      }
    }
  }

  /** Connects a device over wss and has one reading acked, each within {@code within}. */
  private static void wssDevice(WebSocketClient wss, int port, String id, Duration within) {
    DeviceClient device = DeviceClient.await(wss.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setSsl(true).setURI("/ws/devices/" + id).addHeader("Authorization", "Bearer " + TestHub.token(id)))
        .map(ws -> DeviceClient.wrap(ws, wss)), within);
    device.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
    device.awaitAck(1, within);
  }

  private static double metricValue(String metrics, String series) {
    return java.util.Arrays.stream(metrics.split("\n")).filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + series + " in /metrics"));
  }
}
