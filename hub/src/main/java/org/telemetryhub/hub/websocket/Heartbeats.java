package org.telemetryhub.hub.websocket;

import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.telemetryhub.hub.internals.ContextInternals;

/**
 * The heartbeats of one channel's sockets: one timer per event loop, not one per socket. Each
 * event loop's wheel turns once per interval in ticks of about {@link #TICK_MILLIS}; a socket joins
 * the slot under the hand when it opens, so its pings come every interval at its own phase and the
 * pings of a fleet that connected over time stay spread over the interval: with short ticks a
 * tick pings few sockets (a wheel of 32 slots sent the pings of 15,000 devices in bursts of about
 * 230 per event loop, each burst an event loop's turn of writes, and the acks queued behind it).
 * A slot takes only its share, though: sockets that open in a burst (a fleet reconnecting, or the
 * first second of a hub whose timer could not tick while it took hundreds of handshakes) go to the
 * slots just behind the hand once it is full, so their pings come a few ticks less than an
 * interval later instead of all in one tick, every interval (900 pings in one tick, stalling the
 * acks of every device for 50-130 ms, before this).
 * The timer runs only while its event loop has sockets.
 */
public final class Heartbeats {

  /** About how often a wheel ticks: the pings of one tick leave together. */
  static final long TICK_MILLIS = 20;
  static final int MIN_SLOTS = 32;
  static final int MAX_SLOTS = 16_384;
  /** A slot takes at least this many sockets, and at least twice its share of the wheel's, before the next gets them. */
  static final int MIN_SLOT_ROOM = 8;

  private final long intervalMillis;
  private final long timeoutNanos;
  private final int slots;
  private final long tickMillis;
  /** By event loop (the base context of the socket's, which may be a duplicate of it). */
  private final ConcurrentMap<Context, Wheel> wheels = new ConcurrentHashMap<>();

  /** @param interval between pings; @param timeout of silence after which a socket is dropped */
  public Heartbeats(Duration interval, Duration timeout) {
    this.intervalMillis = interval.toMillis();
    this.timeoutNanos = timeout.toNanos();
    this.slots = (int) Math.max(MIN_SLOTS, Math.min(MAX_SLOTS, intervalMillis / TICK_MILLIS));
    this.tickMillis = Math.max(1, intervalMillis / slots);
  }

  /** Between two ticks of one socket. */
  public long intervalMillis() {
    return intervalMillis;
  }

  /** Slots of each wheel: one per tick of the interval. */
  int slots() {
    return slots;
  }

  /** A heartbeat for {@code ws}, on the wheel of its event loop ({@code context}); it starts with {@link Heartbeat#start}. */
  Heartbeat heartbeat(Context context, ServerWebSocket ws, Heartbeat.Listener listener) {
    Context base = ContextInternals.eventLoopContext(context);
    return new Heartbeat(ws, listener, wheels.computeIfAbsent(base, Wheel::new));
  }

  /** Sockets on the wheels now, for tests. */
  int sockets() {
    return wheels.values().stream().mapToInt(wheel -> wheel.members).sum();
  }

  /** The most sockets in one slot of any wheel: the most pings one tick sends, for tests. */
  int largestSlot() {
    int largest = 0;
    for (Wheel wheel : wheels.values()) {
      for (int size : wheel.sizes) {
        largest = Math.max(largest, size);
      }
    }
    return largest;
  }

  /** Event loops with a running timer, for tests. */
  int runningTimers() {
    return (int) wheels.values().stream().filter(wheel -> wheel.timer != -1).count();
  }

  /** One event loop's wheel: used only on that loop. Each slot is a list linked through its heartbeats. */
  final class Wheel {
    private final Context context;
    private final Heartbeat[] wheel = new Heartbeat[slots];
    /** Sockets in each slot. */
    private final int[] sizes = new int[slots];
    /** The slot being ticked, copied first: a tick may end other sockets of the slot (a replaced connection). */
    private final List<Heartbeat> due = new ArrayList<>();
    private int hand;
    private volatile int members;
    private volatile long timer = -1;

    private Wheel(Context context) {
      this.context = context;
    }

    long timeoutNanos() {
      return timeoutNanos;
    }

    void add(Heartbeat heartbeat) {
      int slot = slotWithRoom();
      heartbeat.slot = slot;
      heartbeat.next = wheel[slot];
      if (heartbeat.next != null) {
        heartbeat.next.previous = heartbeat;
      }
      wheel[slot] = heartbeat;
      sizes[slot]++;
      if (members++ == 0) {
        timer = context.owner().setPeriodic(tickMillis, id -> tick());
      }
    }

    /** The slot under the hand, or when it holds its share already, the nearest one behind it that does not. */
    private int slotWithRoom() {
      int room = Math.max(MIN_SLOT_ROOM, 2 * (members / slots + 1));
      int slot = hand;
      for (int step = 1; step < slots && sizes[slot] >= room; step++) {
        slot = slot == 0 ? slots - 1 : slot - 1;
      }
      return slot;
    }

    void remove(Heartbeat heartbeat) {
      if (heartbeat.slot < 0) {
        return;
      }
      sizes[heartbeat.slot]--;
      if (heartbeat.previous != null) {
        heartbeat.previous.next = heartbeat.next;
      } else {
        wheel[heartbeat.slot] = heartbeat.next;
      }
      if (heartbeat.next != null) {
        heartbeat.next.previous = heartbeat.previous;
      }
      heartbeat.slot = -1;
      heartbeat.previous = null;
      heartbeat.next = null;
      if (--members == 0) {
        context.owner().cancelTimer(timer);
        timer = -1;
      }
    }

    private void tick() {
      hand = (hand + 1) % slots;
      for (Heartbeat heartbeat = wheel[hand]; heartbeat != null; heartbeat = heartbeat.next) {
        due.add(heartbeat);
      }
      long now = System.nanoTime();
      try {
        for (Heartbeat heartbeat : due) {
          if (heartbeat.slot == hand) {
            heartbeat.tick(now);
          }
        }
      } finally {
        due.clear();
      }
    }
  }
}
