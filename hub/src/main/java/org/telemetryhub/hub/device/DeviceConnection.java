package org.telemetryhub.hub.device;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.hub.auth.Credentials;
import org.telemetryhub.hub.liveness.Session;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.protocol.RejectReason;
import org.telemetryhub.hub.store.AckSink;
import org.telemetryhub.hub.websocket.CloseCause;
import org.telemetryhub.hub.websocket.HubWebSocket.PauseReason;
import org.telemetryhub.hub.websocket.HubWebSocket;

/**
 * One device's connection: decodes its messages, hands the readings to storage and sends the
 * acks; the socket's lifecycle (frames, heartbeat, pausing, closing) is its {@link HubWebSocket}.
 * Every method runs on the connection's own event loop, so its fields need no locks.
 */
final class DeviceConnection implements Session, AckSink, HubWebSocket.Owner {

  private static final long REJECT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final DeviceChannel channel;
  private final HubWebSocket socket;
  private final ServerWebSocket ws;
  private final Context context;
  private final String deviceId;
  private final long connectedAtMillis;

  private long received;
  private long acked;
  /** received > acked, for the registry's silence sweep on another thread. */
  private volatile boolean awaitingAcks;
  private long ackSent;

  private long rejectedSinceLog;
  private long lastRejectLogNanos = System.nanoTime() - REJECT_LOG_INTERVAL_NANOS;

  DeviceConnection(DeviceChannel channel, ServerWebSocket ws, Context context, String connectionId, String deviceId,
                   Credentials credentials) {
    this.channel = channel;
    this.ws = ws;
    this.context = context;
    this.deviceId = deviceId;
    this.connectedAtMillis = channel.clock.millis();
    this.socket = new HubWebSocket(ws, context, connectionId, HubWebSocket.Kind.DEVICE, deviceId, credentials,
        channel.socketSettings, channel.metrics, this);
  }

  void start() {
    channel.open.add(this);
    socket.start();
    Session replaced = channel.registry.connected(deviceId, this);
    if (replaced != null) {
      replaced.closeReplaced(this);
    }
  }

  // ---- messages ----

  @Override
  public void onMessage(WebSocketFrameType type, Buffer message) {
    if (type == WebSocketFrameType.TEXT) {
      socket.close(CloseCause.TEXT_ON_DEVICE_CHANNEL, "text frames are not accepted on the device channel");
      return;
    }
    String lengthProblem = PacketCodec.lengthProblem(message.length());
    if (lengthProblem != null) {
      socket.close(CloseCause.BAD_MESSAGE, lengthProblem);
      return;
    }
    if (!channel.noClockStamps.seeded(deviceId) && hasNoClockPacket(message)) {
      lookUpStampsThenTake(message);
      return;
    }
    take(message);
  }

  private static boolean hasNoClockPacket(Buffer message) {
    for (int offset = 0; offset < message.length(); offset += PacketCodec.PACKET_SIZE) {
      if (PacketCodec.timestamp(message, offset) == PacketCodec.NO_CLOCK) {
        return true;
      }
    }
    return false;
  }

  /**
   * The device's first reading without a clock since the hub started: its stamps must follow the
   * newest reading stored for it. The socket is paused while the store answers; if it cannot, the
   * connection closes with 1011 and the device sends again later (nothing of the message was acked).
   */
  private void lookUpStampsThenTake(Buffer message) {
    socket.pause(PauseReason.STORE_LOOKUP);
    channel.latestStored.apply(deviceId).onComplete(latest -> {
      if (latest.failed()) {
        socket.close(CloseCause.INTERNAL_ERROR, "cannot stamp readings without a clock: the store did not answer");
        return;
      }
      channel.noClockStamps.seed(deviceId, latest.result());
      if (!socket.closing()) {
        take(message);
      }
      socket.resume(PauseReason.STORE_LOOKUP);
    });
  }

  /** Decodes, stamps and checks every packet, then hands the valid readings to storage. */
  private void take(Buffer message) {
    int packets = message.length() / PacketCodec.PACKET_SIZE;
    long nowSeconds = channel.clock.millis() / 1000;
    List<Reading> valid = new ArrayList<>(packets);
    for (int offset = 0; offset < message.length(); offset += PacketCodec.PACKET_SIZE) {
      Reading reading = PacketCodec.decode(deviceId, message, offset);
      RejectReason reason = null;
      if (reading.ts() == PacketCodec.NO_CLOCK) {
        long stamp = channel.noClockStamps.stamp(deviceId, nowSeconds);
        reason = stamp == NoClockStamps.REFUSED ? RejectReason.NO_CLOCK_TOO_FAST : null;
        reading = reading.at(stamp == NoClockStamps.REFUSED ? nowSeconds : stamp);
      }
      if (reason == null) {
        reason = channel.validator.check(reading, nowSeconds);
      }
      if (reason == null) {
        valid.add(reading);
      } else {
        reject(reading, reason);
      }
    }
    received += packets;
    awaitingAcks = received > acked;
    channel.metrics.readingsReceived(packets);
    channel.registry.packetsArrived(deviceId, this, valid.isEmpty() ? null : valid.get(valid.size() - 1));
    boolean room = channel.writer.submit(deviceId, valid, received, this, context);
    // Published after they are submitted: a subscriber resuming from the store, which waits for
    // what was submitted before it subscribed, then gets each reading either from the store or live.
    for (Reading reading : valid) {
      channel.onValidReading.accept(reading);
    }
    if (!room) {
      socket.pause(PauseReason.STORE_FULL);
      channel.writer.whenDrained(() -> context.runOnContext(ignored -> socket.resume(PauseReason.STORE_FULL)));
    }
    // One device sending as fast as it can must not fill the queue every other device's readings wait in.
    if (received - acked >= channel.maxPendingPackets) {
      socket.pause(PauseReason.DEVICE_BACKLOG);
    }
  }

  /** Invalid readings are not stored but still count in the ack: resending them cannot help. */
  private void reject(Reading reading, RejectReason reason) {
    channel.metrics.readingRejected(reason);
    rejectedSinceLog++;
    long now = System.nanoTime();
    if (now - lastRejectLogNanos >= REJECT_LOG_INTERVAL_NANOS) {
      EventLog.rejectedReadings(socket.connectionId(), deviceId, reason.tag(), rejectedSinceLog, reading.toString());
      rejectedSinceLog = 0;
      lastRejectLogNanos = now;
    }
  }

  // ---- acks ----

  @Override
  public void acked(long cumulativePackets) {
    if (cumulativePackets <= acked) {
      return;
    }
    acked = cumulativePackets;
    awaitingAcks = received > acked;
    sendAck();
    if (socket.pausedFor(PauseReason.DEVICE_BACKLOG) && received - acked <= channel.maxPendingPackets / 2) {
      socket.resume(PauseReason.DEVICE_BACKLOG);
    }
  }

  /**
   * Acks are cumulative, so a device that does not read them needs only the newest: while the
   * socket's write queue is full the hub waits for it to drain instead of queueing more acks.
   */
  private void sendAck() {
    if (ws.isClosed() || ackSent == acked) {
      return;
    }
    if (ws.writeQueueFull()) {
      ws.drainHandler(ignored -> sendAck());
      return;
    }
    ackSent = acked;
    ws.writeTextMessage("{\"ack\":" + acked + "}");
  }

  // ---- lifecycle ----

  @Override
  public boolean awaitingAcks() {
    return awaitingAcks;
  }

  @Override
  public void onClosed(int code, String reason) {
    channel.open.remove(this);
    channel.registry.disconnected(deviceId, this, reason);
  }

  @Override
  public long count() {
    return received;
  }

  @Override
  public void closeReplaced(Session newer) {
    context.runOnContext(ignored -> {
      EventLog.replaced(socket.connectionId(), deviceId, socket.remoteAddress(), newer.connectionId());
      socket.close(CloseCause.REPLACED, "replaced");
    });
  }

  @Override
  public void closeRevoked() {
    socket.endRevoked();
  }

  /** Ends the session if the secret of its token is not among {@code accepted} any more. */
  void endIfSecretRetired(Set<String> accepted) {
    socket.endIfSecretRetired(accepted);
  }

  Future<Void> pauseForShutdown() {
    return socket.pauseForShutdown();
  }

  Future<Void> closeForShutdown() {
    return socket.closeForShutdown();
  }

  @Override
  public String connectionId() {
    return socket.connectionId();
  }

  @Override
  public String remoteAddress() {
    return socket.remoteAddress();
  }

  @Override
  public long connectedAtMillis() {
    return connectedAtMillis;
  }
}
