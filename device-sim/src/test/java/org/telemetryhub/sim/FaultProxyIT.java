package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.testing.FaultProxy;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;
import picocli.CommandLine;

/**
 * Faults the kernel's tools cannot make, through a fault-injecting TCP proxy on loopback, between
 * the fleet and the hub and between the hub and a resuming subscriber ('hub subscribe'): a black
 * hole (connections open, nothing arrives) and half-open connections (the hub's side gone, the
 * client's still open). Afterwards nothing is lost, nothing is stored twice, and the subscriber's
 * readings plus its reported gaps are exactly what the devices sent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultProxyIT {

  private static final int DEVICES = 20;

  @TempDir
  Path dir;

  @Test
  void aBlackHoleAndHalfOpenConnectionsLoseNothing() throws Exception {
    try (TestHub hub = TestHub.start(dir.resolve("hub"), o -> o.withLiveness(
        o.liveness().withHeartbeat(Duration.ofMillis(300), Duration.ofSeconds(1))));
         FaultProxy devicePath = FaultProxy.to(hub.port());
         FaultProxy subscriberPath = FaultProxy.to(hub.port())) {
      HubProcess subscriber = HubProcess.run(Path.of("..", "hub", "target", "hub.jar"), Map.of(),
          List.of("subscribe", "readings/+", "--url", "ws://127.0.0.1:" + subscriberPath.port(),
              "--token", Tokens.api("fault-lab", ApiAccess.Role.READ)));
      try {
        Poll.until("the subscriber subscribed", Duration.ofSeconds(20), () -> subscriber.output().contains("{\"ack\":\"subscribe\"}"));
        FleetSettings settings = new FleetSettings();
        new CommandLine(settings).parseArgs("--url", "ws://127.0.0.1:" + devicePath.port(), "--token-secret", TestHub.SECRET,
            "--devices", String.valueOf(DEVICES), "--duration", "14s", "--drain", "30s", "--ramp-up", "200ms",
            "--watchdog", "1s", "--backoff-initial", "200ms", "--backoff-max", "1s");
        Fleet fleet = Fleet.start(settings, vertx -> TokenSource.fromSecret(vertx, TestHub.SECRET), ReadingListener.NONE,
            (PrintStream) null);

        Thread.sleep(3_000);
        devicePath.mode(FaultProxy.Mode.BLACK_HOLE); // both paths: open connections, nothing arrives, for 3 s
        subscriberPath.mode(FaultProxy.Mode.BLACK_HOLE);
        Thread.sleep(3_000);
        devicePath.mode(FaultProxy.Mode.PASS);
        subscriberPath.mode(FaultProxy.Mode.PASS);
        Thread.sleep(2_000);
        devicePath.halfOpenAll(); // the hub's side of every connection goes; the clients' stay open, unanswered
        subscriberPath.halfOpenAll();
        Thread.sleep(300);
        devicePath.mode(FaultProxy.Mode.PASS);
        subscriberPath.mode(FaultProxy.Mode.PASS);

        Thread.sleep(6_000); // the rest of the 14 s: generating goes on after the faults
        JsonObject summary = fleet.finish().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        fleet.close();
        assertEquals(0, summary.getLong("missing"), "every generated reading acked: " + summary.encode());
        assertTrue(summary.getLong("reconnects") >= DEVICES, "the faults cost connections: " + summary.encode());
        long generated = summary.getLong("generated");

        long stored = 0;
        for (int n = 1; n <= DEVICES; n++) {
          stored += hub.api().readings(String.format("dev-%04d", n), 0, 4294967295L).size();
        }
        assertEquals(generated, stored, "each reading stored once");

        Poll.until("the subscriber has every reading", Duration.ofSeconds(30), () -> printed(subscriber).readings() >= generated);
        Thread.sleep(500);
        Printed printed = printed(subscriber);
        assertEquals(0, printed.twice(), "none printed twice");
        assertEquals(generated, printed.readings() + printed.gaps(), "received + reported gaps == sent: " + printed);
        assertTrue(subscriber.output().contains("subscribe: resuming readings after"), "it reconnected and resumed");
      } finally {
        subscriber.close();
      }
    }
  }

  private record Printed(long readings, long twice, long gaps) {
  }

  private static Printed printed(HubProcess subscriber) {
    Set<String> seen = new HashSet<>();
    long twice = 0;
    long gaps = 0;
    for (String line : subscriber.output().split("\n")) {
      if (line.startsWith("{\"channel\":\"readings/")) {
        JsonObject payload = new JsonObject(line).getJsonObject("payload");
        if (!seen.add(payload.getString("device") + "/" + payload.getLong("ts"))) {
          twice++;
        }
      } else if (line.startsWith("{\"channel\":\"$hub/gap\"")) {
        gaps += new JsonObject(line).getJsonObject("payload").getLong("count");
      }
    }
    return new Printed(seen.size(), twice, gaps);
  }
}
