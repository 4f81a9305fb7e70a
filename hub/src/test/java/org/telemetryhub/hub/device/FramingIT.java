package org.telemetryhub.hub.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.RawWebSocket;
import org.telemetryhub.hub.testing.TestHub;

/**
 * WebSocket framing at the edge of the device channel, sent byte by byte with a raw client:
 * fragmented messages, reserved bits, protocol errors and pings. Whatever a device sends, an ack
 * covers only packets that are stored, and a well-behaved neighbour keeps streaming.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class FramingIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;
  private TestHub hub;
  private HubApi api;
  private DeviceClient neighbour;
  private long neighbourSent;
  private final long now = Instant.now().getEpochSecond();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    hub = TestHub.start(dataDir);
    api = hub.api();
    neighbour = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "neighbour");
    neighbourStreams();
  }

  @AfterEach
  void stop() {
    neighbourStreams();
    assertEquals(neighbourSent, api.readings("neighbour", now - 10_000, now).size(), "the neighbour's readings are all stored");
    hub.close();
  }

  private void neighbourStreams() {
    neighbour.sendPackets(20f, now - 10_000 + neighbourSent, 50f, 1000f);
    neighbourSent++;
    neighbour.awaitAck(neighbourSent, WAIT);
  }

  private RawWebSocket device(String id) throws IOException {
    return RawWebSocket.connect(hub.port(), "/ws/devices/" + id, TestHub.token(id));
  }

  /** {@code count} valid packets with distinct timestamps starting at {@code firstTs}. */
  private static byte[] packets(int count, long firstTs) {
    Buffer frame = Buffer.buffer(count * PacketCodec.PACKET_SIZE);
    for (int i = 0; i < count; i++) {
      PacketCodec.encode(20f, firstTs + i, 50f, 1000f, frame);
    }
    return frame.getBytes();
  }

  /** Reads frames until an ack; returns its count. */
  private static long nextAck(RawWebSocket ws) throws IOException {
    RawWebSocket.Frame frame;
    while ((frame = ws.readFrame()) != null) {
      if (frame.opcode() == RawWebSocket.TEXT) {
        return new JsonObject(new String(frame.payload(), StandardCharsets.UTF_8)).getLong("ack");
      }
      if (frame.opcode() == RawWebSocket.CLOSE) {
        throw new AssertionError("closed with " + frame.closeCode() + " " + RawWebSocket.closeReason(frame) + " instead of an ack");
      }
    }
    throw new AssertionError("connection ended instead of an ack");
  }

  /** Asserts that the hub closes with {@code code}, sending no ack before its close frame. */
  private static RawWebSocket.Frame assertClosedWithoutAck(RawWebSocket ws, int code) throws IOException {
    List<String> before = new ArrayList<>();
    RawWebSocket.Frame frame;
    while ((frame = ws.readFrame()) != null && frame.opcode() != RawWebSocket.CLOSE) {
      if (frame.opcode() == RawWebSocket.TEXT) {
        before.add(new String(frame.payload(), StandardCharsets.UTF_8));
      }
    }
    assertNotNull(frame, "the hub closed the TCP connection without a close frame");
    assertEquals(code, frame.closeCode(), RawWebSocket.closeReason(frame));
    assertEquals(List.of(), before, "acks sent before the close");
    return frame;
  }

  private int stored(String device) {
    return api.readings(device, 0, now + 1000).size();
  }

  /**
   * Verifies that frames sent in the same TCP write as the upgrade request, before the 101, are
   * stored and acked in order with the ones after it: no ack ever covers a packet that was dropped.
   */
  @Test
  void framesSentWithTheUpgradeRequestAreStoredAndAckedInOrder() throws IOException {
    byte[] early = new java.io.ByteArrayOutputStream() {
      {
        writeBytes(RawWebSocket.encode(true, 0, RawWebSocket.BINARY, packets(1, now - 300), true));
        writeBytes(RawWebSocket.encode(true, 0, RawWebSocket.BINARY, packets(2, now - 299), true));
      }
    }.toByteArray();
    try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws/devices/early", TestHub.token("early"), 0, "", early)) {
      ws.sendFrame(RawWebSocket.BINARY, packets(1, now - 297));
      long ack;
      do {
        ack = nextAck(ws);
      } while (ack < 4);
      assertEquals(4, ack);
    }
    assertEquals(List.of(now - 300, now - 299, now - 298, now - 297),
        api.readings("early", 0, now + 1000).stream().map(r -> ((JsonObject) r).getLong("ts")).toList(),
        "the three early packets and the one after them, all stored");
  }

  /** Verifies that a message fragmented into two 40,000-byte frames (over the 64 KiB limit) closes with 1009 and nothing of it is acked or stored. */
  @Test
  void fragmentedMessageOverTheLimitCloses1009() throws IOException {
    try (RawWebSocket ws = device("frag-large")) {
      ws.sendFragment(false, RawWebSocket.BINARY, packets(2500, now - 9000));
      ws.sendFragment(true, RawWebSocket.CONTINUATION, packets(2500, now - 6000));
      ws.sendFrame(RawWebSocket.BINARY, packets(1, now - 1)); // would be acked as "1" if the message were skipped
      RawWebSocket.Frame close = assertClosedWithoutAck(ws, 1009);
      assertTrue(RawWebSocket.closeReason(close).contains("65536"), RawWebSocket.closeReason(close));
    }
    assertEquals(0, stored("frag-large"));
    assertTrue(api.get("/metrics").body().contains("hub_frames_invalid_total{reason=\"too_large\"} 1.0"));
  }

  /** Verifies that a fragmented message within the limit is one message: all its packets are stored and acked together. */
  @Test
  void fragmentedMessageWithinTheLimitIsStoredWhole() throws IOException {
    try (RawWebSocket ws = device("frag-ok")) {
      byte[] all = packets(5, now - 100);
      ws.sendFragment(false, RawWebSocket.BINARY, java.util.Arrays.copyOfRange(all, 0, 20)); // fragments need not align with packets
      ws.sendFragment(false, RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(all, 20, 61));
      ws.sendFragment(true, RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(all, 61, 80));
      assertEquals(5, nextAck(ws));
    }
    assertEquals(5, stored("frag-ok"));
  }

  /** Verifies that an empty first fragment is no trap: the message it starts, and every later one, is stored and acked. */
  @Test
  void emptyFirstFragmentDoesNotWedgeTheConnection() throws IOException {
    try (RawWebSocket ws = device("frag-empty")) {
      ws.sendFragment(false, RawWebSocket.BINARY, new byte[0]);
      ws.sendFragment(true, RawWebSocket.CONTINUATION, packets(2, now - 50));
      assertEquals(2, nextAck(ws));
      ws.sendFrame(RawWebSocket.BINARY, packets(3, now - 40));
      assertEquals(5, nextAck(ws));
    }
    assertEquals(5, stored("frag-empty"));
  }

  /** Verifies that a frame with a reserved bit set, on a connection that negotiated no extension, closes with 1002. */
  @Test
  void reservedBitsClose1002() throws IOException {
    for (int rsv : new int[] {1, 2, 4}) {
      try (RawWebSocket ws = device("rsv-" + rsv)) {
        ws.sendFrame(true, rsv, RawWebSocket.BINARY, packets(1, now - 3), true);
        assertClosedWithoutAck(ws, 1002);
      }
      assertEquals(0, stored("rsv-" + rsv));
    }
  }

  /**
   * Verifies that a connection failed for a protocol error ends at once (RFC 6455 section 7.1.7):
   * the TCP connection ends right after the close frame, whether the client answers the close or
   * not, instead of waiting out the hub's closing timeout of one second.
   */
  @Test
  void aFailedConnectionEndsRightAfterItsCloseFrame() throws IOException {
    for (boolean answers : new boolean[] {true, false}) {
      try (RawWebSocket ws = device("fail-" + answers)) {
        ws.sendFrame(true, 1, RawWebSocket.BINARY, packets(1, now - 5), true);
        RawWebSocket.Frame close = ws.awaitClose();
        assertEquals(1002, close.closeCode());
        long closeAt = System.nanoTime();
        if (answers) {
          ws.sendFrame(RawWebSocket.CLOSE, close.payload());
        }
        RawWebSocket.Frame after = ws.readFrame();
        assertEquals(null, after, () -> "nothing follows the close frame: opcode " + after.opcode() + ", code "
            + after.closeCode() + " " + RawWebSocket.closeReason(after));
        long tcpEndMillis = (System.nanoTime() - closeAt) / 1_000_000;
        assertTrue(tcpEndMillis < 500, "TCP ended " + tcpEndMillis + " ms after the close frame (closing timeout: 1,000 ms)");
      }
    }
  }

  /** Verifies that violations of RFC 6455 itself close with 1002, not 1007 (which stays for bad packets). */
  @Test
  void protocolErrorsClose1002() throws IOException {
    byte[] packet = packets(1, now - 7);
    List<byte[]> violations = List.of(
        RawWebSocket.encode(true, 0, RawWebSocket.CONTINUATION, packet, true),   // continuation of nothing
        RawWebSocket.encode(true, 0, RawWebSocket.BINARY, packet, false),        // unmasked client frame
        RawWebSocket.encode(true, 0, 3, packet, true),                           // reserved opcode
        RawWebSocket.encode(false, 0, RawWebSocket.PING, new byte[0], true));    // fragmented control frame
    int i = 0;
    for (byte[] violation : violations) {
      String id = "proto-" + i++;
      try (RawWebSocket ws = device(id)) {
        ws.sendRaw(violation);
        RawWebSocket.Frame close = assertClosedWithoutAck(ws, 1002);
        assertTrue(!RawWebSocket.closeReason(close).isEmpty(), "the reason says what was wrong");
      }
      assertEquals(0, stored(id));
    }
    String metrics = api.get("/metrics").body();
    assertTrue(metrics.contains("hub_frames_invalid_total{reason=\"protocol_error\"} 4.0"), metrics);
  }

  /**
   * Verifies that a device that floods pings and never reads the pongs cannot make the hub hold
   * them: a ping that arrives while the socket is full gets no pong. Without that bound the hub
   * queues a pong per ping (about 51 MB for 400,000 pings), to be written whenever the device reads.
   */
  @Test
  void pingFloodWithoutReadingIsBounded() throws IOException {
    int pings = 400_000;
    byte[] ping = RawWebSocket.encode(true, 0, RawWebSocket.PING, new byte[125], true); // the largest control payload
    byte[] burst = new byte[ping.length * 1000];
    for (int i = 0; i < 1000; i++) {
      System.arraycopy(ping, 0, burst, i * ping.length, ping.length);
    }
    try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws/devices/pinger", TestHub.token("pinger"), 4096)) {
      for (int i = 0; i < pings / 1000; i++) {
        ws.sendRaw(burst); // without reading anything
      }
      neighbourStreams(); // the hub is still serving others
      long pongs = ws.countFramesUntilQuiet(RawWebSocket.PONG, Duration.ofSeconds(2));
      assertTrue(pongs < pings / 4, "pongs queued for a device that did not read: " + pongs + " of " + pings);
    }
  }
}
