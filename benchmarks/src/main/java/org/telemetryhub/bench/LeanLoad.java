package org.telemetryhub.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A load generator lighter than the hub, so that the generator is not what a whole-hub benchmark
 * measures: one thread, one selector, plain NIO sockets and the device protocol written by hand
 * (an all-zero masking key, so payloads go out as they are; acks found by scanning for the digits
 * after {@code "ack":}). No reconnects, no outbox, no sensor model: device-sim is the simulator,
 * this only loads. Every device sends 16-byte packets with timestamps counting up by one second
 * per packet, either at {@code --rate} readings per second (each device at its own phase) or, with
 * {@code --rate 0}, as fast as a window of unacknowledged packets allows.
 *
 * <p>Ack latency is per frame, from the write of the frame into its socket to the read of the ack
 * that covers it, in microseconds; it includes this thread's own delay in reading the ack, which a
 * run against {@link ReferenceServer} shows.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.telemetryhub.bench.LeanLoad --url ws://127.0.0.1:8080 \
 *     --devices 15000 --rate 1 --ramp-up 15 --duration 60 --measure-after 25 --json out.json
 * </pre>
 */
public final class LeanLoad {

  private static final int PACKET = 16;
  private static final long START_TS = Instant.now().getEpochSecond() - 20L * 24 * 3600;
  private static final byte[] ACK = "\"ack\":".getBytes(StandardCharsets.US_ASCII);

  private final URI url;
  private final int devices;
  private final double rate;
  private final int batch;
  private final int window;
  private final long rampUpNanos;
  private final long durationNanos;
  private final long measureAfterNanos;
  private final long drainNanos;
  private final String idPrefix;
  private final Selector selector;
  private final Histogram latencyMicros = new Histogram(TimeUnit.SECONDS.toMicros(120), 3);
  /** The worst ack latency of each second of the run, in microseconds: when the tail happened. */
  private final long[] worstBySecond = new long[3600];
  /**
   * The longest time between two turns of the generator's own loop in each second, in microseconds:
   * a stall of the generator (its GC, its JIT, the machine) shows here, one of the hub does not.
   */
  private final long[] longestTurnBySecond = new long[3600];
  /** The most pings from the hub read in one turn of the loop, per second: a burst of pings shows here. */
  private final int[] mostPingsInATurnBySecond = new int[3600];
  private int pingsThisTurn;
  private final boolean timeline;
  /** Devices sending at a rate, by when their next frame is due. */
  /** Every device that opened, for the shares at the end. */
  private final List<Device> opened = new ArrayList<>();
  private final PriorityQueue<Device> due = new PriorityQueue<>(Comparator.comparingLong((Device device) -> device.nextDueNanos));
  private long startNanos;
  private long sent;
  private long acked;
  private long ackedInWindow;
  private int openedCount;
  private int closedByHub;
  private int failed;
  private final Map<String, Integer> closeReasons = new HashMap<>();

  LeanLoad(Map<String, String> options) throws IOException {
    url = URI.create(options.getOrDefault("url", "ws://127.0.0.1:8080"));
    devices = Integer.parseInt(options.getOrDefault("devices", "100"));
    rate = Double.parseDouble(options.getOrDefault("rate", "0"));
    batch = Integer.parseInt(options.getOrDefault("batch", "1"));
    window = Integer.parseInt(options.getOrDefault("window", "4096"));
    rampUpNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("ramp-up", "0")));
    durationNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("duration", "20")));
    measureAfterNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("measure-after", "5")));
    drainNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("drain", "10")));
    idPrefix = options.getOrDefault("id-prefix", "lean-");
    timeline = Boolean.parseBoolean(options.getOrDefault("timeline", "false"));
    if (devices < 1 || batch < 1 || window < batch || rate < 0 || measureAfterNanos >= durationNanos) {
      throw new IllegalArgumentException("need devices >= 1, batch >= 1, window >= batch, rate >= 0, measure-after < duration");
    }
    selector = Selector.open();
  }

  /** One device connection and what it has in flight. */
  private final class Device {
    final String id;
    final SocketChannel channel;
    final ByteBuffer in = ByteBuffer.allocate(4096);
    ByteBuffer out = ByteBuffer.allocate(1024);
    boolean open;
    long sentPackets;
    long ackedPackets;
    /** Packets acked in the measurement window: this device's share of the hub. */
    long ackedInWindow;
    long nextDueNanos;
    /** Frames in flight: the cumulative packet count each ends at, and when it was written. */
    long[] frameEnds = new long[16];
    long[] frameNanos = new long[16];
    int head;
    int size;

    Device(String id, SocketChannel channel) {
      this.id = id;
      this.channel = channel;
    }

    void queueFrame(int packets, long now) {
      int payload = packets * PACKET;
      ensureOut(payload + 8);
      out.put((byte) 0x82);
      if (payload <= 125) {
        out.put((byte) (0x80 | payload));
      } else {
        out.put((byte) (0x80 | 126)).putShort((short) payload);
      }
      out.putInt(0); // the masking key: all zero, so the payload is written as it is
      for (int i = 0; i < packets; i++) {
        long ts = START_TS + sentPackets + i;
        out.putFloat(21.5f).putInt((int) ts).putFloat(45f).putFloat(1013.25f);
      }
      sentPackets += packets;
      sent += packets;
      if (size == frameEnds.length) {
        grow();
      }
      int tail = (head + size) % frameEnds.length;
      frameEnds[tail] = sentPackets;
      frameNanos[tail] = now;
      size++;
    }

    void queueRaw(byte[] bytes) {
      ensureOut(bytes.length);
      out.put(bytes);
    }

    void ensureOut(int more) {
      if (out.remaining() < more) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + more));
        out.flip();
        bigger.put(out);
        out = bigger;
      }
    }

    void grow() {
      long[] ends = new long[frameEnds.length * 2];
      long[] nanos = new long[frameEnds.length * 2];
      for (int i = 0; i < size; i++) {
        ends[i] = frameEnds[(head + i) % frameEnds.length];
        nanos[i] = frameNanos[(head + i) % frameEnds.length];
      }
      frameEnds = ends;
      frameNanos = nanos;
      head = 0;
    }

    void ackedUpTo(long cumulative, long now) {
      boolean measuring = now - startNanos >= measureAfterNanos && now - startNanos <= durationNanos;
      while (size > 0 && frameEnds[head] <= cumulative) {
        if (measuring) {
          long micros = Math.min((now - frameNanos[head]) / 1_000, latencyMicros.getHighestTrackableValue());
          latencyMicros.recordValue(micros);
          int second = (int) Math.min(worstBySecond.length - 1, (now - startNanos) / 1_000_000_000L);
          worstBySecond[second] = Math.max(worstBySecond[second], micros);
        }
        head = (head + 1) % frameEnds.length;
        size--;
      }
      long newly = cumulative - ackedPackets;
      if (newly > 0) {
        ackedPackets = cumulative;
        acked += newly;
        if (measuring) {
          LeanLoad.this.ackedInWindow += newly;
          ackedInWindow += newly;
        }
      }
    }

    /** Writes what is queued; asks for OP_WRITE if the socket did not take it all. */
    void flush() throws IOException {
      out.flip();
      channel.write(out);
      boolean rest = out.hasRemaining();
      out.compact();
      SelectionKey key = channel.keyFor(selector);
      int ops = SelectionKey.OP_READ | (rest ? SelectionKey.OP_WRITE : 0);
      if (key.interestOps() != ops) {
        key.interestOps(ops);
      }
    }
  }

  void run(Path json) throws IOException {
    startNanos = System.nanoTime();
    long end = startNanos + durationNanos;
    int started = 0;
    long periodNanos = rate > 0 ? (long) (1e9 / rate) : 0;
    long previousTurn = startNanos;
    while (true) {
      long now = System.nanoTime();
      int second = (int) Math.min(longestTurnBySecond.length - 1, (now - startNanos) / 1_000_000_000L);
      longestTurnBySecond[second] = Math.max(longestTurnBySecond[second], (now - previousTurn) / 1_000);
      mostPingsInATurnBySecond[second] = Math.max(mostPingsInATurnBySecond[second], pingsThisTurn);
      pingsThisTurn = 0;
      previousTurn = now;
      // Connect the devices due by now, spread over the ramp-up.
      while (started < devices && (rampUpNanos == 0 || now - startNanos >= rampUpNanos * started / devices)) {
        connect(started++);
      }
      if (now >= end) {
        break;
      }
      while (!due.isEmpty() && due.peek().nextDueNanos <= now) {
        Device device = due.poll();
        if (!device.open) {
          continue;
        }
        device.queueFrame(batch, now);
        device.nextDueNanos += periodNanos;
        if (device.nextDueNanos < now) {
          device.nextDueNanos = now + periodNanos; // late: no burst to catch up
        }
        due.add(device);
        device.flush();
      }
      selector.select(1);
      handleReady(System.nanoTime(), periodNanos, true);
    }
    // Stop sending; wait for the acks of what is in flight.
    long drainEnd = System.nanoTime() + drainNanos;
    while (acked < sent && System.nanoTime() < drainEnd) {
      selector.select(10);
      handleReady(System.nanoTime(), periodNanos, false);
    }
    report(json);
    selector.close();
  }

  private void connect(int index) throws IOException {
    String id = idPrefix + String.format("%05d", index + 1);
    SocketChannel channel = SocketChannel.open();
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    Device device = new Device(id, channel);
    int port = url.getPort() > 0 ? url.getPort() : 80;
    try {
      channel.connect(new InetSocketAddress(url.getHost(), port));
      channel.register(selector, SelectionKey.OP_CONNECT, device);
    } catch (IOException e) {
      failed++;
      channel.close();
    }
  }

  private void handleReady(long now, long periodNanos, boolean sending) throws IOException {
    for (SelectionKey key : selector.selectedKeys()) {
      Device device = (Device) key.attachment();
      try {
        if (key.isConnectable()) {
          device.channel.finishConnect();
          String path = url.getPath().isEmpty() || url.getPath().equals("/") ? "/ws/devices/" : url.getPath() + "/ws/devices/";
          String request = "GET " + path + device.id + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
              + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              + "Sec-WebSocket-Version: 13\r\n\r\n";
          device.queueRaw(request.getBytes(StandardCharsets.US_ASCII));
          key.interestOps(SelectionKey.OP_READ);
          device.flush();
          continue;
        }
        if (key.isWritable()) {
          device.flush();
        }
        if (key.isReadable()) {
          read(device, key, now, periodNanos, sending);
        }
      } catch (IOException e) {
        key.cancel();
        device.channel.close();
        if (device.open) {
          device.open = false;
          closedByHub++;
          closeReasons.merge("connection lost: " + e.getMessage(), 1, Integer::sum);
        } else {
          failed++;
        }
      }
    }
    selector.selectedKeys().clear();
  }

  private void read(Device device, SelectionKey key, long now, long periodNanos, boolean sending) throws IOException {
    int n = device.channel.read(device.in);
    if (n < 0) {
      throw new IOException("closed by the hub");
    }
    ByteBuffer in = device.in;
    in.flip();
    if (!device.open) {
      int headerEnd = indexOf(in, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      if (headerEnd < 0) {
        in.compact();
        return;
      }
      String status = new String(in.array(), 0, Math.min(12, headerEnd), StandardCharsets.US_ASCII);
      if (!status.startsWith("HTTP/1.1 101")) {
        throw new IOException("upgrade refused: " + status);
      }
      in.position(headerEnd + 4);
      device.open = true;
      openedCount++;
      opened.add(device);
      if (periodNanos > 0) { // at a rate, each at a phase of its own; at full speed they fill the window below
        device.nextDueNanos = now + (long) (Math.random() * periodNanos);
        due.add(device);
      }
    }
    boolean ackedSome = false;
    while (in.remaining() >= 2) {
      int start = in.position();
      int b0 = in.get(start) & 0xff;
      int b1 = in.get(start + 1) & 0x7f;
      int headerLength = 2;
      long length = b1;
      if (b1 == 126) {
        if (in.remaining() < 4) {
          break;
        }
        length = in.getShort(start + 2) & 0xffff;
        headerLength = 4;
      } else if (b1 == 127) {
        if (in.remaining() < 10) {
          break;
        }
        length = in.getLong(start + 2);
        headerLength = 10;
      }
      if (length > in.capacity() - 10) {
        throw new IOException("a frame of " + length + " bytes from the hub");
      }
      if (in.remaining() < headerLength + length) {
        break;
      }
      int payload = start + headerLength;
      int opcode = b0 & 0x0f;
      if (opcode == 0x1) {
        long ack = parseAck(in, payload, (int) length);
        if (ack >= 0) {
          device.ackedUpTo(ack, now);
          ackedSome = true;
        }
      } else if (opcode == 0x9) {
        pingsThisTurn++;
        byte[] pong = new byte[6 + (int) length];
        pong[0] = (byte) 0x8A;
        pong[1] = (byte) (0x80 | length);
        in.get(payload, pong, 6, (int) length);
        device.queueRaw(pong);
        device.flush();
      } else if (opcode == 0x8) {
        int code = length >= 2 ? in.getShort(payload) & 0xffff : 1005;
        String reason = length > 2 ? new String(in.array(), payload + 2, (int) length - 2, StandardCharsets.UTF_8) : "";
        closeReasons.merge(code + " " + reason, 1, Integer::sum);
        throw new IOException("close " + code + " " + reason);
      }
      in.position(payload + (int) length);
    }
    in.compact();
    if (sending && periodNanos == 0 && (ackedSome || device.sentPackets == 0)) {
      boolean queued = false;
      while (device.sentPackets - device.ackedPackets + batch <= window) {
        device.queueFrame(batch, now);
        queued = true;
      }
      if (queued) {
        device.flush();
      }
    }
  }

  /** The number after {@code "ack":} in a text frame, or -1 when it has none. */
  private static long parseAck(ByteBuffer in, int from, int length) {
    int end = from + length;
    outer:
    for (int i = from; i <= end - ACK.length; i++) {
      for (int j = 0; j < ACK.length; j++) {
        if (in.get(i + j) != ACK[j]) {
          continue outer;
        }
      }
      long value = 0;
      int k = i + ACK.length;
      while (k < end && in.get(k) >= '0' && in.get(k) <= '9') {
        value = value * 10 + (in.get(k++) - '0');
      }
      return value;
    }
    return -1;
  }

  private static int indexOf(ByteBuffer in, byte[] what) {
    for (int i = in.position(); i <= in.limit() - what.length; i++) {
      int j = 0;
      while (j < what.length && in.get(i + j) == what[j]) {
        j++;
      }
      if (j == what.length) {
        return i;
      }
    }
    return -1;
  }

  private void report(Path json) throws IOException {
    double seconds = (durationNanos - measureAfterNanos) / 1e9;
    // Fairness: each device's acks in the window against the mean of all devices.
    double mean = opened.isEmpty() ? 0 : (double) ackedInWindow / opened.size();
    long fewest = opened.stream().mapToLong(device -> device.ackedInWindow).min().orElse(0);
    long most = opened.stream().mapToLong(device -> device.ackedInWindow).max().orElse(0);
    String text = String.format(java.util.Locale.ROOT, """
        {
          "devices" : %d,
          "opened" : %d,
          "failed" : %d,
          "closedByHub" : %d,
          "sent" : %d,
          "acked" : %d,
          "missing" : %d,
          "ackedPerSecond" : %d,
          "p50" : %.2f,
          "p99" : %.2f,
          "p999" : %.2f,
          "max" : %.2f,
          "fewestOfMean" : %.3f,
          "mostOfMean" : %.3f
        }
        """, devices, openedCount, failed, closedByHub, sent, acked, sent - acked, Math.round(ackedInWindow / seconds),
        latencyMicros.getValueAtPercentile(50) / 1000.0, latencyMicros.getValueAtPercentile(99) / 1000.0,
        latencyMicros.getValueAtPercentile(99.9) / 1000.0, latencyMicros.getMaxValue() / 1000.0,
        mean == 0 ? 0 : fewest / mean, mean == 0 ? 0 : most / mean);
    System.out.print(text);
    if (timeline) {
      StringBuilder line = new StringBuilder("worst ack latency by second of the run (ms):");
      for (int second = (int) (measureAfterNanos / 1_000_000_000L); second < durationNanos / 1_000_000_000L; second++) {
        line.append(' ').append(second).append(':').append(worstBySecond[second] / 1000);
      }
      System.out.println(line);
      StringBuilder turns = new StringBuilder("the generator's longest turn of its loop by second (ms):");
      for (int second = (int) (measureAfterNanos / 1_000_000_000L); second < durationNanos / 1_000_000_000L; second++) {
        turns.append(' ').append(second).append(':').append(longestTurnBySecond[second] / 1000);
      }
      System.out.println(turns);
      StringBuilder pings = new StringBuilder("the most pings read in one turn of the generator's loop by second:");
      for (int second = (int) (measureAfterNanos / 1_000_000_000L); second < durationNanos / 1_000_000_000L; second++) {
        pings.append(' ').append(second).append(':').append(mostPingsInATurnBySecond[second]);
      }
      System.out.println(pings);
    }
    if (!closeReasons.isEmpty()) {
      System.out.println("closes: " + closeReasons);
    }
    if (json != null) {
      Files.writeString(json, text);
    }
  }

  /** Packets sent, for tests. */
  long sent() {
    return sent;
  }

  /** Packets acknowledged, for tests. */
  long acked() {
    return acked;
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        System.err.println("usage: LeanLoad --url ws://host:port [--devices N] [--rate R|0] [--batch B] [--window W] "
            + "[--ramp-up S] [--duration S] [--measure-after S] [--drain S] [--id-prefix P] [--json FILE] [--timeline true]");
        System.exit(2);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    LeanLoad load;
    try {
      load = new LeanLoad(options);
    } catch (IllegalArgumentException e) {
      System.err.println("bad options: " + e.getMessage());
      System.exit(2);
      return;
    }
    String json = options.get("json");
    load.run(json == null ? null : Path.of(json));
    System.exit(load.sent == load.acked && load.failed == 0 && load.closedByHub == 0 ? 0 : 1);
  }
}
