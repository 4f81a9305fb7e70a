package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.RawWebSocket;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;

/**
 * permessage-deflate bombs on the subscriber channel: compressed requests of 60 KB that inflate
 * to 60 MiB, several at once, whole or in fragments, with either window size. The request limit
 * holds on the bytes as they leave the inflater: each gets its 1009 at once, a device beside them
 * keeps its acks and a subscriber with compression is still served.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class CompressionBombIT {

  private static final int BOMB_MIB = 60;
  private static final Duration SERVED_WITHIN = Duration.ofSeconds(2);

  @TempDir
  Path dataDir;
  private TestHub hub;

  @BeforeEach
  void start() throws Exception {
    hub = TestHub.start(dataDir);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  /** Verifies that four whole-frame bombs at once, full window, are each refused with 1009 while a device is acked within 2 s. */
  @Test
  void fourBombsAtOnce(Vertx vertx) throws Exception {
    attack(vertx, 4, 15, false);
  }

  /** Verifies the same for bombs sent in 4 KiB fragments, each fragment inflating on its own. */
  @Test
  void fragmentedBombs(Vertx vertx) throws Exception {
    attack(vertx, 4, 15, true);
  }

  /** Verifies the same with the smallest window the client may ask for (client_max_window_bits=9). */
  @Test
  void smallWindowBombs(Vertx vertx) throws Exception {
    attack(vertx, 4, 9, false);
  }

  private void attack(Vertx vertx, int bombs, int windowBits, boolean fragmented) throws Exception {
    DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-1");
    List<Long> ackMillis = new CopyOnWriteArrayList<>();
    Thread steady = steadyDevice(device, ackMillis);
    byte[] bomb = deflateBomb(windowBits);
    List<Thread> attackers = new ArrayList<>();
    List<String> outcomes = new CopyOnWriteArrayList<>();
    for (int i = 0; i < bombs; i++) {
      RawWebSocket socket = RawWebSocket.connect(hub.port(), "/ws/subscribe", Tokens.subscriber("bomber-" + i, "readings/+"), 0,
          "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=" + windowBits + "\r\n");
      assertTrue(socket.handshake().contains("permessage-deflate"), "compression negotiated: " + socket.handshake());
      Thread attacker = new Thread(() -> {
        try (socket) {
          long start = System.nanoTime();
          if (fragmented) {
            for (int at = 0; at < bomb.length; at += 4096) {
              byte[] part = Arrays.copyOfRange(bomb, at, Math.min(bomb.length, at + 4096));
              boolean last = at + 4096 >= bomb.length;
              socket.sendFrame(last, at == 0 ? 4 : 0, at == 0 ? RawWebSocket.TEXT : RawWebSocket.CONTINUATION, part, true);
            }
          } else {
            socket.sendFrame(true, 4, RawWebSocket.TEXT, bomb, true); // RSV1: compressed
          }
          RawWebSocket.Frame close = socket.awaitClose();
          long millis = (System.nanoTime() - start) / 1_000_000;
          outcomes.add(close == null ? "dropped" : close.closeCode() + " " + RawWebSocket.closeReason(close) + " in " + millis + " ms");
        } catch (Exception e) {
          outcomes.add("failed: " + e);
        }
      });
      attackers.add(attacker);
    }
    attackers.forEach(Thread::start);
    for (Thread attacker : attackers) {
      attacker.join(30_000);
    }
    steady.interrupt();
    steady.join(5_000);

    assertEquals(bombs, outcomes.size(), outcomes.toString());
    for (String outcome : outcomes) {
      assertTrue(outcome.startsWith("1009 request larger than the limit of 65536 bytes"), outcomes.toString());
      long millis = Long.parseLong(outcome.replaceAll(".* in (\\d+) ms", "$1"));
      assertTrue(millis < SERVED_WITHIN.toMillis(), "a bomb was refused within 2 s: " + outcomes);
    }
    long worstAck = ackMillis.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertTrue(ackMillis.size() >= 5 && worstAck < SERVED_WITHIN.toMillis(),
        "the device was acked within 2 s throughout: " + ackMillis);
    compressedSubscriberStillServed(vertx, device);
    System.out.printf("%d bombs (%s, window bits %d): %s; device acks during them: %d, worst %d ms%n", bombs,
        fragmented ? "fragmented" : "whole", windowBits, outcomes, ackMillis.size(), worstAck);
  }

  /** A device sending one reading every 50 ms, each waiting for its ack; records each ack's latency. */
  private static Thread steadyDevice(DeviceClient device, List<Long> ackMillis) {
    long now = Instant.now().getEpochSecond();
    Thread steady = new Thread(() -> {
      for (int k = 1; !Thread.currentThread().isInterrupted(); k++) {
        long sent = System.nanoTime();
        device.sendPackets(20f, now - 10_000 + k, 40f, 1000f);
        long expected = k;
        while (device.lastAck() < expected && System.nanoTime() - sent < Duration.ofSeconds(10).toNanos()) {
          Thread.onSpinWait();
        }
        ackMillis.add((System.nanoTime() - sent) / 1_000_000);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "steady-device");
    steady.start();
    return steady;
  }

  private void compressedSubscriberStillServed(Vertx vertx, DeviceClient device) {
    SubscriberClient subscriber = SubscriberClient.open(SubscriberClient.client(vertx, true), hub.port(), "readings/+");
    subscriber.subscribe(1, "readings/dev-1");
    long ts = Instant.now().getEpochSecond() - 5;
    device.sendPackets(25f, ts, 40f, 1000f);
    JsonObject reading = subscriber.await("a live reading", m -> m.containsKey("payload") && m.getJsonObject("payload").getLong("ts") == ts);
    assertEquals(25.0, reading.getJsonObject("payload").getDouble("temperature"));
  }

  /** A subscribe request of 60 MiB, deflated (raw, as RFC 7692 sends it: the final empty block's 4 bytes left off). */
  private static byte[] deflateBomb(int windowBits) {
    byte[] head = "{\"action\":\"subscribe\",\"channels\":[\"".getBytes(StandardCharsets.UTF_8);
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    deflater.setInput(head);
    drain(deflater, buffer, out, Deflater.NO_FLUSH);
    byte[] chunk = new byte[1024 * 1024];
    Arrays.fill(chunk, (byte) 'a');
    for (int mib = 0; mib < BOMB_MIB; mib++) {
      deflater.setInput(chunk);
      drain(deflater, buffer, out, Deflater.NO_FLUSH);
    }
    deflater.setInput("\"]}".getBytes(StandardCharsets.UTF_8));
    drain(deflater, buffer, out, Deflater.SYNC_FLUSH);
    deflater.end();
    byte[] compressed = out.toByteArray();
    assertTrue(windowBits >= 9 && compressed.length < 100_000, "a bomb: " + compressed.length + " bytes");
    return Arrays.copyOf(compressed, compressed.length - 4);
  }

  private static void drain(Deflater deflater, byte[] buffer, ByteArrayOutputStream out, int flush) {
    if (flush == Deflater.NO_FLUSH) {
      while (!deflater.needsInput()) {
        out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH));
      }
      return;
    }
    int n;
    do {
      n = deflater.deflate(buffer, 0, buffer.length, flush);
      out.write(buffer, 0, n);
    } while (n == buffer.length);
  }
}
