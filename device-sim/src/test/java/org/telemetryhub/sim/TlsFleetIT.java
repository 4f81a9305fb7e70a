package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.SelfSignedCertificate;
import org.telemetryhub.hub.testing.TestHub;

/** The simulator against a hub serving TLS: devices and a subscriber over wss://, trusting the hub's self-signed certificate. */
class TlsFleetIT {

  @TempDir
  Path dir;

  /** Verifies that a fleet over wss:// with --trust-cert gets every reading acked and its subscriber receives them. */
  @Test
  void aFleetStreamsOverWss() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "hub");
    Path summary = dir.resolve("summary.json");
    try (TestHub hub = TestHub.start(dir.resolve("hub"), o -> o.withListen(
        o.listen().withTls(certificate.certificate(), certificate.key())))) {
      Process sim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", Path.of("target", "device-sim.jar").toString(),
          "--url", "wss://127.0.0.1:" + hub.port(), "--trust-cert", certificate.certificate().toString(),
          "--token-secret", TestHub.SECRET, "--devices", "20", "--duration", "5s", "--drain", "20s",
          "--subscribers", "1", "--json", summary.toString())
          .redirectErrorStream(true).start();
      String output = new String(sim.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(sim.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, sim.exitValue(), output);
      JsonObject result = new JsonObject(Files.readString(summary));
      assertTrue(result.getLong("acked") >= 80, result.encode());
      assertEquals(result.getLong("generated"), result.getLong("acked"), result.encode());
      assertEquals(1, result.getInteger("subscribers"), result.encode());
      assertTrue(result.getLong("subscriberMessages") > 0, "the subscriber received readings over wss: " + result.encode());
    }
  }
}
