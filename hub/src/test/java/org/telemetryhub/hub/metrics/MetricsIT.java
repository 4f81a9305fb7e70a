package org.telemetryhub.hub.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;

/** What an operator scraping /metrics expects beside the hub's own meters. */
class MetricsIT {

  @TempDir
  Path dataDir;

  /** Verifies the JVM and process meters, the build info, a batch-size histogram of a few buckets, and requests told apart by route. */
  @Test
  void runtimeMetersBuildInfoBatchBucketsAndRoutes() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestHub hub = TestHub.start(dataDir)) {
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-m");
      device.sendPackets(20f, Instant.now().getEpochSecond(), 40f, 1000f);
      device.awaitAck(1, Duration.ofSeconds(10));
      HubApi api = new HubApi(hub.port(), Tokens.api("ops", ApiAccess.Role.READ));
      assertEquals(200, api.get("/api/devices").status());

      assertTrue(api.metric("process_uptime_seconds") > 0);
      assertTrue(api.metric("process_files_open_files") > 0);
      assertTrue(api.metric("process_files_max_files") >= api.metric("process_files_open_files"));
      assertTrue(api.metric("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}") >= 0);
      assertTrue(api.metric("jvm_threads_live_threads") > 0);
      assertTrue(api.metric("system_cpu_count") >= 1);
      String java = System.getProperty("java.version");
      assertEquals(1.0, api.metric("hub_build_info{java=\"" + java + "\",version=\"" + RuntimeMeters.version() + "\"}"));
      assertTrue(!RuntimeMeters.version().equals("dev"), "the build's version reached the classpath: " + RuntimeMeters.version());

      List<String> buckets = lines(api, "hub_store_batch_size_bucket");
      assertEquals(14, buckets.size(), "1 to 10,000 readings and +Inf: " + buckets);
      assertTrue(buckets.get(12).startsWith("hub_store_batch_size_bucket{le=\"10000.0\"}"), buckets.toString());
      assertEquals(1.0, api.metric("hub_store_batch_size_bucket{le=\"1.0\"}"));

      assertEquals(1.0, api.metric("vertx_http_server_requests_total{code=\"101\",method=\"GET\",route=\"/ws/devices/:id\"}"),
          "the device's upgrade, told apart from REST requests");
      List<String> requests = lines(api, "vertx_http_server_requests_total");
      assertTrue(requests.stream().anyMatch(line -> line.contains("code=\"200\"") && line.contains("/api/devices\"")),
          requests.toString());
    } finally {
      vertx.close();
    }
  }

  private static List<String> lines(HubApi api, String name) {
    return Arrays.stream(api.get("/metrics").body().split("\n")).filter(line -> line.startsWith(name)).toList();
  }
}
