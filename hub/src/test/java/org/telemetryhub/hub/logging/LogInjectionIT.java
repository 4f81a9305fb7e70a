package org.telemetryhub.hub.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.HubProcess;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.RawWebSocket;
import org.telemetryhub.hub.testing.TestHub;

/** A client cannot write lines of its own into the hub's event log: what it says is escaped into the hub's one line. */
class LogInjectionIT {

  private static final String FORGED = "2026-01-01T00:00:00.000Z INFO  events reason=\"forged\"";

  /** Verifies that a device's close reason with a newline stays inside the closing line, escaped, and forges nothing. */
  @Test
  void aCloseReasonCannotForgeALogLine(@TempDir Path dataDir) throws Exception {
    try (HubProcess hub = HubProcess.serve(dataDir)) {
      try (RawWebSocket device = RawWebSocket.connect(hub.port(), "/ws/devices/dev-1", TestHub.token("dev-1"))) {
        ByteArrayOutputStream close = new ByteArrayOutputStream();
        close.write(1000 >> 8);
        close.write(1000 & 0xff);
        close.writeBytes(("bye\n" + FORGED).getBytes(StandardCharsets.UTF_8));
        device.sendFrame(RawWebSocket.CLOSE, close.toByteArray());
        device.awaitClose();
      }
      // The status line follows the closing line once the registry has processed the close: wait for both.
      Poll.until("the closing line and the status line", Duration.ofSeconds(10),
          () -> hub.output().contains("device=dev-1 closed") && hub.output().contains("device=dev-1 state=offline"));
      List<String> lines = hub.output().lines().toList();
      assertTrue(lines.stream().noneMatch(line -> line.startsWith("2026-01-01T00:00:00.000Z")), hub.output());
      String closing = lines.stream().filter(line -> line.contains("device=dev-1 closed")).findFirst().orElseThrow();
      assertTrue(closing.contains("reason=\"closed by device: bye 2026-01-01T00:00:00.000Z INFO  events reason=\\\"forged\\\"\""),
          closing);
      List<String> withTheText = lines.stream().filter(line -> line.contains("forged")).toList();
      assertEquals(2, withTheText.size(), "the closing line and the device's status line: " + withTheText);
      assertTrue(withTheText.stream().allMatch(line -> line.contains("reason=\\\"forged\\\"\"")), "each quote escaped inside "
          + "the hub's own quoted value: " + withTheText);
    }
  }
}
