package org.telemetryhub.hub.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.InetSocketAddress;
import java.net.Socket;
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
}
