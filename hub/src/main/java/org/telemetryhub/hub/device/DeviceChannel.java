package org.telemetryhub.hub.device;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.telemetryhub.hub.liveness.DeviceDirectory;
import org.telemetryhub.hub.metrics.HubMetrics;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.protocol.ReadingValidator;
import org.telemetryhub.hub.store.StoreWriter;
import org.telemetryhub.hub.websocket.Heartbeats;
import org.telemetryhub.hub.websocket.HubWebSocket;

/**
 * What every device connection of one hub shares: liveness, storage, validation, metrics,
 * heartbeat timing, and the set of open connections (for a graceful stop).
 */
public final class DeviceChannel {

  final DeviceDirectory registry;
  final StoreWriter writer;
  final ReadingValidator validator;
  final Consumer<Reading> onValidReading;
  final HubMetrics metrics;
  final Clock clock;
  /** Heartbeat timing and the largest message (a frame, or the fragments of one) a device may send. */
  final HubWebSocket.Settings socketSettings;
  /** Packets of one connection received and not yet acknowledged before its socket is paused. */
  final int maxPendingPackets;
  final NoClockStamps noClockStamps;
  /** The newest stored timestamp of a device (-1 for none), looked up off the event loop. */
  final Function<String, Future<Long>> latestStored;
  final Set<DeviceConnection> open = ConcurrentHashMap.newKeySet();

  /**
   * @param onValidReading told of every valid reading as it arrives (subscribers, alerts), before it is stored
   * @param latestStored the newest stored timestamp of a device, for stamping readings without a clock after a restart
   */
  public DeviceChannel(DeviceDirectory registry, StoreWriter writer, ReadingValidator validator,
                       Consumer<Reading> onValidReading, Function<String, Future<Long>> latestStored, HubMetrics metrics,
                       Clock clock, Heartbeats heartbeats, DeviceOptions options) {
    this.registry = registry;
    this.writer = writer;
    this.validator = validator;
    this.onValidReading = onValidReading;
    this.metrics = metrics;
    this.clock = clock;
    this.socketSettings = new HubWebSocket.Settings(heartbeats, options.maxFrameSize(), "message", "packets");
    this.maxPendingPackets = options.maxPendingPerDevice();
    this.latestStored = latestStored;
    this.noClockStamps = new NoClockStamps(validator.maxClockSkewSeconds());
  }

  public int openConnections() {
    return open.size();
  }

  /** Ends the sessions whose token was signed by a secret not among {@code accepted}. */
  public void endSessionsOfRetiredSecrets(Set<String> accepted) {
    open.forEach(connection -> connection.endIfSecretRetired(accepted));
  }

  /** Stops reading from every device socket: no new packets enter while the hub flushes. */
  public Future<Void> pauseAll() {
    return Future.join(open.stream().map(DeviceConnection::pauseForShutdown).toList()).mapEmpty();
  }

  /** Closes every device connection with 1001, after the acks already on their way. */
  public Future<Void> closeAll() {
    return Future.join(open.stream().map(DeviceConnection::closeForShutdown).toList()).mapEmpty();
  }
}
