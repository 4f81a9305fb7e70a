package org.telemetryhub.hub.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.RawWebSocket;
import org.telemetryhub.hub.testing.TestHub;

/**
 * A socket-level fuzz run: more than 100,000 frames of every shape (valid and invalid packets,
 * fragments in and out of order, control frames, reserved bits and opcodes, unmasked frames, raw
 * garbage) from several raw clients at once, beside a well-behaved device. The neighbour loses
 * nothing, every fuzzed connection ends with a close code that names a client error (never an
 * internal one), and the hub is healthy afterwards. The seed is fixed, so a failure replays.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, timeUnit = TimeUnit.SECONDS)
class FuzzIT {

  private static final long SEED = 20261203L;
  private static final int FUZZERS = 6;
  private static final long FRAMES = 120_000;
  /** Well-formed frames per burst, before the probe packet. */
  private static final int BURST = 50;
  /** What a fuzzed connection may be closed with: client errors, or the TCP connection ending under garbage. */
  private static final Set<Integer> CLIENT_ERRORS = Set.of(1002, 1003, 1007, 1009, 1006);

  @TempDir
  Path dataDir;

  private final AtomicLong framesSent = new AtomicLong();
  private final Map<Integer, AtomicLong> closeCodes = new ConcurrentHashMap<>();
  private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Verifies that 120,000 fuzzed frames leave a neighbour device losing nothing and the hub healthy. */
  @Test
  void fuzzedFramesHurtNoOne(Vertx vertx) throws Exception {
    // The fuzzers reconnect after every close, all from one address: the handshake rate is not what is tested here.
    try (TestHub hub = TestHub.start(dataDir, o -> o.withEdge(o.edge().withHandshakeRatePerAddress(100_000)))) {
      DeviceClient neighbour = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "neighbour");
      long firstTs = Instant.now().getEpochSecond() - 100_000;
      List<Thread> fuzzers = new ArrayList<>();
      for (int i = 0; i < FUZZERS; i++) {
        int slot = i;
        Thread fuzzer = new Thread(() -> fuzz(hub.port(), slot, new Random(SEED + slot)), "fuzzer-" + i);
        fuzzer.setUncaughtExceptionHandler((thread, failure) -> failures.add(thread.getName() + ": " + failure));
        fuzzer.start();
        fuzzers.add(fuzzer);
      }
      long neighbourSent = 0;
      while (fuzzers.stream().anyMatch(Thread::isAlive)) {
        neighbour.sendPackets(20f, firstTs + neighbourSent, 50f, 1000f);
        neighbourSent++;
        for (Thread fuzzer : fuzzers) {
          fuzzer.join(5);
        }
      }
      assertEquals(List.of(), failures, "every fuzzer got an ack or a close after each burst");
      neighbour.awaitAck(neighbourSent, Duration.ofSeconds(30));
      HubApi api = hub.api();
      assertEquals(neighbourSent, api.readings("neighbour", firstTs, firstTs + neighbourSent).size(),
          "every reading of the neighbour is stored");
      assertEquals(200, api.get("/health").status());
      assertTrue(framesSent.get() >= 100_000, "frames sent: " + framesSent.get());
      Map<Integer, Long> codes = new TreeMap<>();
      closeCodes.forEach((code, count) -> codes.put(code, count.get()));
      System.out.println("fuzz: " + framesSent.get() + " frames, closes by code " + codes + ", neighbour "
          + neighbourSent + " readings stored");
      for (int code : codes.keySet()) {
        assertTrue(CLIENT_ERRORS.contains(code), "a fuzzed connection closed with " + code + ": " + codes);
      }
    }
  }

  /**
   * One fuzzer. It sends bursts of well-formed frames of random content (packets whose values and
   * times are mostly invalid, pings, pongs, messages in random fragments), one malformed frame in
   * a fifth of the bursts, and a probe packet; then it reads until the ack of the probe or the
   * close. Every frame before the malformed one has been read by the hub when it reacts, so the
   * count of frames the hub handled is exact. On a connection that saw no malformed frame, the ack
   * must equal the packets sent exactly: an ack never covers a packet the hub did not take.
   */
  private void fuzz(int port, int slot, Random random) {
    String device = "fuzz-" + slot;
    String token = TestHub.token(device);
    while (framesSent.get() < FRAMES) {
      try (RawWebSocket ws = RawWebSocket.connect(port, "/ws/devices/" + device, token)) {
        long packets = 0;
        boolean open = true;
        while (open && framesSent.get() < FRAMES) {
          ByteArrayOutputStream burst = new ByteArrayOutputStream();
          int frames = 0;
          for (int i = 0; i < BURST; i++) {
            Benign benign = benignFrame(random);
            burst.writeBytes(benign.bytes());
            packets += benign.packets();
            frames += benign.frames();
          }
          boolean malformed = random.nextInt(5) == 0;
          if (malformed) {
            burst.writeBytes(malformedFrame(random));
            frames++;
          }
          burst.writeBytes(RawWebSocket.encode(true, 0, RawWebSocket.BINARY, packets(random, 1), true));
          packets++;
          ws.sendRaw(burst.toByteArray());
          Outcome outcome = awaitAckOrClose(ws, packets);
          framesSent.addAndGet(frames + (outcome.ack() >= 0 ? 1 : 0));
          if (outcome.ack() < 0) {
            closeCodes.computeIfAbsent(outcome.closeCode(), code -> new AtomicLong()).incrementAndGet();
            open = false;
          } else if (malformed) {
            open = false; // survived a malformed frame (garbage that happened to parse): its accounting is no longer exact
          } else if (outcome.ack() != packets) {
            throw new AssertionError("fuzzer " + slot + ": ack " + outcome.ack() + " for " + packets + " packets sent");
          }
        }
      } catch (IOException e) {
        closeCodes.computeIfAbsent(1006, code -> new AtomicLong()).incrementAndGet(); // reset mid-burst by the hub's close
      }
    }
  }

  /** The probe's ack (at least {@code packets}), or -1 with the close code when the hub closed instead. */
  private record Outcome(long ack, int closeCode) {
  }

  private static Outcome awaitAckOrClose(RawWebSocket ws, long packets) throws IOException {
    RawWebSocket.Frame frame;
    while ((frame = ws.readFrame()) != null) {
      if (frame.opcode() == RawWebSocket.CLOSE) {
        return new Outcome(-1, frame.closeCode());
      }
      if (frame.opcode() == RawWebSocket.TEXT) {
        long ack = new io.vertx.core.json.JsonObject(new String(frame.payload(), StandardCharsets.UTF_8)).getLong("ack");
        if (ack >= packets) {
          return new Outcome(ack, 0);
        }
      }
    }
    return new Outcome(-1, 1006);
  }

  /** Frames that are well-formed, whatever their content: bytes, how many frames, how many packets the hub will ack. */
  private record Benign(byte[] bytes, int frames, int packets) {
  }

  private static Benign benignFrame(Random random) {
    int kind = random.nextInt(10);
    if (kind < 6) {
      int count = 1 + random.nextInt(8);
      return new Benign(RawWebSocket.encode(true, 0, RawWebSocket.BINARY, packets(random, count), true), 1, count);
    }
    if (kind < 8) {
      return new Benign(RawWebSocket.encode(true, 0, random.nextBoolean() ? RawWebSocket.PING : RawWebSocket.PONG,
          bytes(random, random.nextInt(126)), true), 1, 0);
    }
    // A message of whole packets in 2 to 5 fragments cut at random bytes (an empty fragment included, now and then)
    int count = 1 + random.nextInt(6);
    byte[] message = packets(random, count);
    int pieces = 2 + random.nextInt(4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int from = 0;
    for (int piece = 0; piece < pieces; piece++) {
      int to = piece == pieces - 1 ? message.length : from + random.nextInt(message.length - from + 1);
      out.writeBytes(RawWebSocket.encode(piece == pieces - 1, 0, piece == 0 ? RawWebSocket.BINARY : RawWebSocket.CONTINUATION,
          java.util.Arrays.copyOfRange(message, from, to), true));
      from = to;
    }
    return new Benign(out.toByteArray(), pieces, count);
  }

  /** A frame that breaks the protocol or the device channel's rules, of a random kind. */
  private static byte[] malformedFrame(Random random) {
    switch (random.nextInt(10)) {
      case 0: return RawWebSocket.encode(true, 0, RawWebSocket.BINARY, bytes(random, 1 + random.nextInt(100) * 16 + 1 + random.nextInt(15)), true);
      case 1: return RawWebSocket.encode(true, 1 + random.nextInt(7), RawWebSocket.BINARY, packets(random, 1), true);
      case 2: return RawWebSocket.encode(true, 0, 3 + random.nextInt(5), bytes(random, 16), true);
      case 3: return RawWebSocket.encode(true, 0, RawWebSocket.BINARY, packets(random, 1), false);
      case 4: return RawWebSocket.encode(true, 0, RawWebSocket.TEXT, "{\"t\":21}".getBytes(StandardCharsets.UTF_8), true);
      case 5: return RawWebSocket.encode(true, 0, RawWebSocket.PING, bytes(random, 126 + random.nextInt(200)), true);
      case 6: return RawWebSocket.encode(true, 0, RawWebSocket.BINARY, packets(random, 4097), true);
      case 7: return RawWebSocket.encode(random.nextBoolean(), 0, RawWebSocket.CONTINUATION, packets(random, 1), true);
      case 8: return RawWebSocket.encode(true, 0, RawWebSocket.BINARY, new byte[0], true);
      default:
        // Garbage where a frame header should be. It may announce a payload longer than what follows:
        // the zeros complete any frame up to the limit, so the hub always gets to judge it.
        ByteArrayOutputStream garbage = new ByteArrayOutputStream();
        garbage.writeBytes(bytes(random, 1 + random.nextInt(40)));
        garbage.writeBytes(new byte[70_000]);
        return garbage.toByteArray();
    }
  }

  /** Packets with random values and timestamps: some valid, most rejected for a reason, all acked. */
  private static byte[] packets(Random random, int count) {
    Buffer frame = Buffer.buffer(count * PacketCodec.PACKET_SIZE);
    for (int i = 0; i < count; i++) {
      if (random.nextBoolean()) {
        PacketCodec.encode(random.nextFloat() * 60 - 10, Instant.now().getEpochSecond() - random.nextInt(100_000),
            random.nextFloat() * 100, 900 + random.nextFloat() * 200, frame);
      } else {
        frame.appendBytes(bytes(random, PacketCodec.PACKET_SIZE));
      }
    }
    return frame.getBytes();
  }

  private static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
