package org.telemetryhub.sim;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.LongConsumer;
import org.telemetryhub.hub.protocol.PacketCodec;

/**
 * A device's outbox: every reading stays here until a cumulative ack covers it (protocol.md,
 * "Hub -> device: acknowledgements"). Bounded: when full, the oldest reading is dropped and
 * counted as lost. Not thread-safe: one device's event loop owns it.
 *
 * <p>Readings sent on the current connection wait in {@code sent}, each with its position on
 * the connection; the rest wait in {@code unsent}. An ack N removes the sent ones at positions
 * below N. After a reconnect every sent-but-unacked reading goes back in front of the unsent
 * ones, so the next connection sends everything again, in the original order.
 */
public final class Outbox {

  /** One reading and its delivery state. */
  static final class Entry {
    final float temperature;
    final long ts;
    final float humidity;
    final float pressure;
    long position = -1;
    long sentNanos;

    Entry(float temperature, long ts, float humidity, float pressure) {
      this.temperature = temperature;
      this.ts = ts;
      this.humidity = humidity;
      this.pressure = pressure;
    }
  }

  private final int capacity;
  private final ArrayDeque<Entry> sent = new ArrayDeque<>();
  private final ArrayDeque<Entry> unsent = new ArrayDeque<>();
  private long nextPosition;
  private long ackedPosition;
  private long lost;

  public Outbox(int capacity) {
    this.capacity = capacity;
  }

  /** Adds a reading; returns false if the outbox was full and its oldest reading was dropped (lost). */
  public boolean add(float temperature, long ts, float humidity, float pressure) {
    boolean kept = true;
    if (size() >= capacity) {
      if (sent.pollFirst() == null) {
        unsent.pollFirst();
      }
      lost++;
      kept = false;
    }
    unsent.addLast(new Entry(temperature, ts, humidity, pressure));
    return kept;
  }

  public int size() {
    return sent.size() + unsent.size();
  }

  public boolean hasUnsent() {
    return !unsent.isEmpty();
  }

  /**
   * Packets sent on this connection and not yet acknowledged, counted by position: a sent
   * reading that the bound dropped is still on its way to the hub and still takes window room.
   */
  public int inFlight() {
    return (int) (nextPosition - ackedPosition);
  }

  public long lost() {
    return lost;
  }

  /**
   * Moves up to {@code maxPackets} unsent readings into one frame, oldest first.
   *
   * @return the number of packets written to {@code frame}
   */
  public int nextFrame(Buffer frame, int maxPackets, long nowNanos) {
    return nextFrame(frame, maxPackets, nowNanos, ts -> { });
  }

  /** As {@link #nextFrame(Buffer, int, long)}, telling {@code sentTs} the timestamp of each packet it takes. */
  public int nextFrame(Buffer frame, int maxPackets, long nowNanos, LongConsumer sentTs) {
    int packets = 0;
    while (packets < maxPackets && !unsent.isEmpty()) {
      Entry entry = unsent.pollFirst();
      sentTs.accept(entry.ts);
      entry.position = nextPosition++;
      entry.sentNanos = nowNanos;
      PacketCodec.encode(entry.temperature, entry.ts, entry.humidity, entry.pressure, frame);
      sent.addLast(entry);
      packets++;
    }
    return packets;
  }

  /**
   * Applies a cumulative ack of this connection: removes every reading sent at a position below
   * {@code ackedCount}; tells {@code sentAt} each removed reading's send time.
   *
   * @return how many readings the ack removed
   */
  public int ack(long ackedCount, LongConsumer sentAt) {
    ackedPosition = Math.max(ackedPosition, Math.min(ackedCount, nextPosition));
    int removed = 0;
    while (!sent.isEmpty() && sent.peekFirst().position < ackedCount) {
      sentAt.accept(sent.pollFirst().sentNanos);
      removed++;
    }
    return removed;
  }

  /** A new connection counts from 0: whatever was sent and not acked is sent again, first. */
  public void newConnection() {
    Iterator<Entry> newestFirst = sent.descendingIterator();
    while (newestFirst.hasNext()) {
      Entry entry = newestFirst.next();
      entry.position = -1;
      unsent.addFirst(entry);
    }
    sent.clear();
    nextPosition = 0;
    ackedPosition = 0;
  }
}
