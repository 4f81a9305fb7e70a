package org.telemetryhub.hub.client;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Where a subscriber resumes after a reconnect: the newest reading ts it got from each device,
 * and when its connection dropped. The resume asks for readings after the oldest of those (and
 * never after the drop minus a margin, for devices that had not sent yet), and the readings
 * replayed up to what was already got are skipped, so that a reconnect neither loses nor repeats.
 * So are live readings up to what was got before the drop, for {@link #REPEAT_WINDOW_SECONDS}
 * after the resume: a device sends again what the hub had not acked when the connections
 * dropped, and the subscriber may have got it before (the hub publishes a reading when it hands it
 * to storage, and acks it after the commit).
 */
public final class ResumePoint {

  /** Devices whose clocks run behind the hub's by up to this much still have their readings resumed. */
  static final long CLOCK_MARGIN_SECONDS = 300;
  /** Devices tracked at most; past that, the resume point stays where it was for new ones (a bounded map). */
  static final int MAX_DEVICES = 1_000_000;
  /** How long after a resume's ack a device's resends of readings got before the drop are still recognised. */
  static final long REPEAT_WINDOW_SECONDS = 60;

  private final LongSupplier nanoClock;
  private final Map<String, Long> newestByDevice = new HashMap<>();
  /** The newest reading of each device got before the last drop: live readings up to it are repeats, for a while. */
  private Map<String, Long> newestAtDrop = Map.of();
  private long repeatWindowEndsNanos;
  private long droppedAtSeconds = -1;
  private boolean replaying;

  public ResumePoint() {
    this(System::nanoTime);
  }

  ResumePoint(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Whether this message should be passed on: false for a replayed reading the subscriber already got. */
  public synchronized boolean accept(JsonObject message) {
    String channel = message.getString("channel");
    if (channel == null) {
      if (message.containsKey("ack") && replaying) {
        replaying = false; // the replay ends before the ack of its request
        repeatWindowEndsNanos = nanoClock.getAsLong() + TimeUnit.SECONDS.toNanos(REPEAT_WINDOW_SECONDS);
      }
      return true;
    }
    if (!channel.startsWith("readings/")) {
      return true;
    }
    JsonObject payload = message.getJsonObject("payload");
    String device = payload.getString("device");
    long ts = payload.getLong("ts");
    Long newest = newestByDevice.get(device);
    if (replaying && newest != null && ts <= newest) {
      return false;
    }
    Long newestBeforeDrop = newestAtDrop.get(device);
    if (newestBeforeDrop != null && ts <= newestBeforeDrop && nanoClock.getAsLong() - repeatWindowEndsNanos < 0) {
      return false; // sent again by its device after the drop
    }
    if (newest == null ? newestByDevice.size() < MAX_DEVICES : ts > newest) {
      newestByDevice.put(device, ts);
    }
    return true;
  }

  public synchronized void dropped(long nowSeconds) {
    droppedAtSeconds = nowSeconds;
  }

  /** The {@code since} of the next subscribe, or null on the first connection (nothing to resume). */
  public synchronized Long since() {
    if (droppedAtSeconds < 0) {
      return null;
    }
    replaying = true;
    newestAtDrop = Map.copyOf(newestByDevice);
    long since = droppedAtSeconds - CLOCK_MARGIN_SECONDS;
    for (long newest : newestByDevice.values()) {
      since = Math.min(since, newest);
    }
    return Math.max(0, since);
  }
}
