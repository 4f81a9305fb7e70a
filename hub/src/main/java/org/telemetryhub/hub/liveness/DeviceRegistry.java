package org.telemetryhub.hub.liveness;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.telemetryhub.hub.protocol.Reading;

/**
 * The in-process {@link DeviceDirectory}: every device this hub has seen since it started, its
 * liveness state and its live connection, kept in memory; safe to call from any event loop. A state changes only on a real transition,
 * and every transition goes to the {@link StatusListener}, in order per device.
 *
 * <p>Calls name the session they come from: a replaced connection that closes late does not
 * touch the state its successor owns.
 */
public final class DeviceRegistry implements DeviceDirectory {

  private static final class Device {
    final String id;
    DeviceState state = DeviceState.OFFLINE;
    long since;
    String reason = "never connected";
    long lastPacketMillis;
    Reading lastReading;
    Session session;
    /** The device's own sending interval, learned from the gaps between its packets (an average weighting recent ones). */
    long intervalMillis;
    int gapsSeen;

    Device(String id) {
      this.id = id;
    }
  }

  private final ConcurrentMap<String, Device> devices = new ConcurrentHashMap<>();
  private final AtomicIntegerArray countByState = new AtomicIntegerArray(DeviceState.values().length);
  private final Clock clock;
  private final SilencePolicy silence;
  private final StatusListener listener;
  private final String nodeName;

  /** @param nodeName the name of this hub, shown as the node holding its devices' connections */
  public DeviceRegistry(Clock clock, Duration silentAfter, StatusListener listener, String nodeName) {
    this(clock, SilencePolicy.fixed(silentAfter), listener, nodeName);
  }

  /** @param silence when a connected device counts as silent (learned per device, see {@link SilencePolicy}) */
  public DeviceRegistry(Clock clock, SilencePolicy silence, StatusListener listener, String nodeName) {
    this.clock = clock;
    this.silence = silence;
    this.listener = listener;
    this.nodeName = nodeName;
  }

  /**
   * Makes {@code session} the device's connection and the device online.
   *
   * @return the session it replaces (the caller closes it with 4000), or null
   */
  @Override
  public Session connected(String deviceId, Session session) {
    return connected(deviceId, session, true);
  }

  /**
   * The device's connection moved here from another hub of the cluster, where it was online: it
   * is online here from now on, without a transition (for the fleet it never went offline).
   *
   * @return the session it replaces here (the caller closes it with 4000), or null
   */
  public Session takenOver(String deviceId, Session session) {
    return connected(deviceId, session, false);
  }

  private Session connected(String deviceId, Session session, boolean announce) {
    Device device = devices.computeIfAbsent(deviceId, id -> {
      countByState.incrementAndGet(DeviceState.OFFLINE.ordinal());
      return new Device(id);
    });
    synchronized (device) {
      Session previous = device.session;
      device.session = session;
      if (device.state != DeviceState.ONLINE) {
        if (announce) {
          transition(device, DeviceState.ONLINE, "connected");
        } else {
          countByState.decrementAndGet(device.state.ordinal());
          countByState.incrementAndGet(DeviceState.ONLINE.ordinal());
          device.state = DeviceState.ONLINE;
          device.since = session.connectedAtMillis();
          device.reason = "connected";
        }
      }
      return previous;
    }
  }

  /**
   * A device known from the store (after a restart) that has not connected yet: listed offline,
   * with its newest stored reading as its last one. No transition is published: for its
   * subscribers nothing changed. A device already here (it connected first) is left as it is.
   */
  public void knownFromStore(Reading newest) {
    devices.computeIfAbsent(newest.device(), id -> {
      Device device = new Device(id);
      device.since = newest.ts() * 1000;
      device.reason = "known from the store";
      device.lastPacketMillis = newest.ts() * 1000;
      device.lastReading = newest;
      countByState.incrementAndGet(DeviceState.OFFLINE.ordinal());
      return device;
    });
  }

  /** Records packets from the device's live session; a silent device is online again. */
  @Override
  public void packetsArrived(String deviceId, Session session, Reading lastReading) {
    Device device = devices.get(deviceId);
    if (device == null) {
      return;
    }
    synchronized (device) {
      if (device.session != session) {
        return;
      }
      long now = clock.millis();
      if (device.lastPacketMillis >= session.connectedAtMillis() && device.lastPacketMillis > 0 && now > device.lastPacketMillis) {
        long gap = now - device.lastPacketMillis;
        device.intervalMillis = device.gapsSeen == 0 ? gap : device.intervalMillis + (gap - device.intervalMillis) / 4;
        device.gapsSeen = (int) Math.min(Integer.MAX_VALUE, device.gapsSeen + 1L);
      }
      device.lastPacketMillis = now;
      if (lastReading != null) {
        device.lastReading = lastReading;
      }
      if (device.state == DeviceState.SILENT) {
        transition(device, DeviceState.ONLINE, "reading");
      }
    }
  }

  /** Marks the device silent when its session has been quiet for its silence period (see {@link SilencePolicy}). */
  public void checkSilence(String deviceId, Session session) {
    Device device = devices.get(deviceId);
    if (device == null) {
      return;
    }
    synchronized (device) {
      if (device.session != session || device.state != DeviceState.ONLINE || session.awaitingAcks()) {
        return;
      }
      long quietSince = Math.max(device.lastPacketMillis, session.connectedAtMillis());
      long silentAfterMillis = silence.silentAfterMillis(device.intervalMillis, device.gapsSeen);
      if (clock.millis() - quietSince >= silentAfterMillis) {
        transition(device, DeviceState.SILENT, silence.reason(silentAfterMillis, device.intervalMillis, device.gapsSeen));
      }
    }
  }

  /** Checks every connected device for silence: one timer for the fleet, not one per connection. */
  public void sweepSilence() {
    for (Device device : devices.values()) {
      synchronized (device) {
        if (device.session != null) {
          checkSilence(device.id, device.session);
        }
      }
    }
  }

  /** The session ended; the device goes offline unless a newer session has already taken over. */
  @Override
  public void disconnected(String deviceId, Session session, String reason) {
    Device device = devices.get(deviceId);
    if (device == null) {
      return;
    }
    synchronized (device) {
      if (device.session != session) {
        return;
      }
      device.session = null;
      transition(device, DeviceState.OFFLINE, reason);
    }
  }

  /**
   * The device's connection moved to another hub of the cluster: {@code session}, if still the
   * device's, is forgotten here with the device, without a transition (the device stays online,
   * elsewhere); the caller closes it as replaced. Returns whether it was the device's session.
   */
  public boolean handOver(String deviceId, Session session) {
    Device device = devices.get(deviceId);
    if (device == null) {
      return false;
    }
    synchronized (device) {
      if (device.session != session) {
        return false;
      }
      device.session = null;
      devices.remove(deviceId, device);
      countByState.decrementAndGet(device.state.ordinal());
      return true;
    }
  }

  /** The device's live connection, or null when it has none. */
  @Override
  public Session session(String deviceId) {
    Device device = devices.get(deviceId);
    if (device == null) {
      return null;
    }
    synchronized (device) {
      return device.session;
    }
  }

  @Override
  public Optional<DeviceView> find(String deviceId) {
    Device device = devices.get(deviceId);
    return device == null ? Optional.empty() : Optional.of(view(device));
  }

  /** Every known device, ordered by id. */
  @Override
  public List<DeviceView> all() {
    List<DeviceView> views = new ArrayList<>(devices.size());
    for (Device device : devices.values()) {
      views.add(view(device));
    }
    views.sort(Comparator.comparing(DeviceView::device));
    return views;
  }

  @Override
  public int count(DeviceState state) {
    return countByState.get(state.ordinal());
  }

  private DeviceView view(Device device) {
    synchronized (device) {
      Session session = device.session;
      DeviceView.Connection connection = session == null ? null
          : new DeviceView.Connection(session.connectionId(), session.remoteAddress(), session.connectedAtMillis(), nodeName);
      return new DeviceView(device.id, device.state, device.since, device.reason, device.lastPacketMillis,
          device.lastReading, connection);
    }
  }

  private void transition(Device device, DeviceState next, String reason) {
    countByState.decrementAndGet(device.state.ordinal());
    countByState.incrementAndGet(next.ordinal());
    device.state = next;
    device.since = clock.millis();
    device.reason = reason;
    listener.onTransition(new DeviceStatus(device.id, next, device.since, reason));
  }
}
