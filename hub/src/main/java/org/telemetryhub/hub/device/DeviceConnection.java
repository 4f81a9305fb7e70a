package org.telemetryhub.hub.device;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.hub.liveness.Heartbeat;
import org.telemetryhub.hub.liveness.Session;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.protocol.RejectReason;
import org.telemetryhub.hub.store.AckSink;
import org.telemetryhub.hub.websocket.CloseReason;
import org.telemetryhub.hub.websocket.MessageAssembler;
import org.telemetryhub.hub.websocket.VertxInternals;

/**
 * One device's WebSocket: decodes its frames, hands the readings to storage, sends the acks,
 * and keeps the heartbeat. Every method runs on the connection's own event loop ({@link #context}),
 * so its fields need no locks.
 */
final class DeviceConnection implements Session, AckSink {

  private static final String KIND = "device";
  private static final short ABNORMAL_CLOSURE = CloseReason.ABNORMAL;
  private static final long REJECT_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Why the hub is not reading this socket. */
  private enum PauseReason {
    /** The store writer's queue is at capacity (every device waits). */
    STORE_FULL,
    /**
     * This device has more packets waiting for their ack than its share: one device sending as
     * fast as it can must not fill the queue that every other device's readings wait in.
     */
    DEVICE_BACKLOG,
    /** The store is asked for the newest stored reading before readings without a clock are stamped. */
    SEEDING_STAMPS,
    /** The hub is stopping: nothing more is read. */
    SHUTDOWN
  }

  private final DeviceChannel channel;
  private final ServerWebSocket ws;
  private final Context context;
  private final String connectionId;
  private final String deviceId;
  private final String remote;
  private final long connectedAtMillis;
  private final Promise<Void> closed = Promise.promise();

  private long received;
  private long acked;
  private long ackSent;
  private final Heartbeat heartbeat;
  private final MessageAssembler assembler;
  private final EnumSet<PauseReason> pausedFor = EnumSet.noneOf(PauseReason.class);
  /** Set when the hub decided to end the connection: the code and reason it logs and publishes. */
  private int hubCloseCode;
  private String hubCloseReason;

  private long rejectedSinceLog;
  private long lastRejectLogNanos = System.nanoTime() - REJECT_LOG_INTERVAL_NANOS;

  DeviceConnection(DeviceChannel channel, ServerWebSocket ws, Context context, String connectionId, String deviceId) {
    this.channel = channel;
    this.ws = ws;
    this.context = context;
    this.connectionId = connectionId;
    this.deviceId = deviceId;
    this.remote = String.valueOf(ws.remoteAddress());
    this.connectedAtMillis = channel.clock.millis();
    this.assembler = new MessageAssembler(channel.maxMessageBytes);
    this.heartbeat = new Heartbeat(context.owner(), ws, channel.heartbeatInterval, channel.heartbeatTimeout,
        new Heartbeat.Listener() {
          @Override
          public void onTimeout(long quietMillis) {
            terminateForHeartbeatTimeout(quietMillis);
          }

          @Override
          public void onTick() {
            channel.registry.checkSilence(deviceId, DeviceConnection.this);
          }
        });
  }

  void start() {
    VertxInternals.guardInboundFrames(ws, this::onFrameViolation);
    ws.frameHandler(this::onWebSocketFrame);
    ws.exceptionHandler(this::onException);
    ws.closeHandler(ignored -> onClosed());
    channel.open.add(this);
    channel.metrics.deviceConnectionOpened();
    EventLog.opened(connectionId, KIND, deviceId, remote);
    Session replaced = channel.registry.connected(deviceId, this);
    if (replaced != null) {
      replaced.closeReplaced(this);
    }
    heartbeat.start();
  }

  /** Every frame the device sends; control frames are answered by Vert.x and only prove it alive. */
  private void onWebSocketFrame(WebSocketFrame frame) {
    heartbeat.heard();
    WebSocketFrameType type = frame.type();
    if (hubCloseReason != null || type == WebSocketFrameType.PING || type == WebSocketFrameType.PONG
        || type == WebSocketFrameType.CLOSE) {
      return;
    }
    if (type == WebSocketFrameType.TEXT) {
      disconnect(Violation.TEXT_FRAME, "text frames are not accepted on the device channel");
      return;
    }
    MessageAssembler.Result result = assembler.accept(frame);
    if (result.violation() != null) {
      disconnect(Violation.forClose(result.violation().code()), result.violation().reason());
    } else if (result.message() != null) {
      onMessage(result.message());
    }
  }

  /** One whole binary message: k packets, stored and acknowledged together. */
  private void onMessage(Buffer frame) {
    if (hubCloseReason != null) {
      return; // closing: a frame that arrives now is neither stored nor acknowledged
    }
    String lengthProblem = PacketCodec.lengthProblem(frame.length());
    if (lengthProblem != null) {
      disconnect(Violation.BAD_FRAME_LENGTH, lengthProblem);
      return;
    }
    if (!channel.noClockStamps.seeded(deviceId) && hasNoClockPacket(frame)) {
      seedStampsThenTake(frame);
      return;
    }
    take(frame);
  }

  private static boolean hasNoClockPacket(Buffer frame) {
    for (int offset = 0; offset < frame.length(); offset += PacketCodec.PACKET_SIZE) {
      if (PacketCodec.timestamp(frame, offset) == PacketCodec.NO_CLOCK) {
        return true;
      }
    }
    return false;
  }

  /**
   * The device's first reading without a clock since the hub started: its stamps must follow the
   * newest reading stored for it. The socket is paused while the store answers; if it cannot, the
   * connection closes with 1011 and the device sends again later (nothing of the frame was acked).
   */
  private void seedStampsThenTake(Buffer frame) {
    pause(PauseReason.SEEDING_STAMPS);
    channel.latestStored.apply(deviceId).onComplete(latest -> {
      if (latest.failed()) {
        disconnect(Violation.INTERNAL_ERROR, "cannot stamp readings without a clock: the store did not answer");
        return;
      }
      channel.noClockStamps.seed(deviceId, latest.result());
      if (hubCloseReason == null) {
        take(frame);
      }
      resume(PauseReason.SEEDING_STAMPS);
    });
  }

  /** Decodes, stamps and checks every packet, then hands the valid readings to storage. */
  private void take(Buffer frame) {
    int packets = frame.length() / PacketCodec.PACKET_SIZE;
    long nowSeconds = channel.clock.millis() / 1000;
    List<Reading> valid = new ArrayList<>(packets);
    for (int offset = 0; offset < frame.length(); offset += PacketCodec.PACKET_SIZE) {
      Reading reading = PacketCodec.decode(deviceId, frame, offset);
      RejectReason reason;
      if (reading.ts() == PacketCodec.NO_CLOCK) {
        long stamp = channel.noClockStamps.stamp(deviceId, nowSeconds);
        reason = stamp == NoClockStamps.REFUSED ? RejectReason.NO_CLOCK_TOO_FAST : null;
        reading = reading.at(stamp == NoClockStamps.REFUSED ? nowSeconds : stamp);
      } else {
        reason = null;
      }
      if (reason == null) {
        reason = channel.validator.check(reading, nowSeconds);
      }
      if (reason == null) {
        valid.add(reading);
        channel.onValidReading.accept(reading);
      } else {
        reject(reading, reason);
      }
    }
    received += packets;
    channel.metrics.readingsReceived(packets);
    channel.registry.packetsArrived(deviceId, this, valid.isEmpty() ? null : valid.get(valid.size() - 1));
    if (!channel.writer.submit(valid, received, this, context)) {
      pause(PauseReason.STORE_FULL);
      channel.writer.whenDrained(() -> context.runOnContext(ignored -> resume(PauseReason.STORE_FULL)));
    }
    if (received - acked >= channel.maxPendingPackets) {
      pause(PauseReason.DEVICE_BACKLOG);
    }
  }

  /** Invalid readings are not stored but still count in the ack: resending them cannot help. */
  private void reject(Reading reading, RejectReason reason) {
    channel.metrics.readingRejected(reason);
    rejectedSinceLog++;
    long now = System.nanoTime();
    if (now - lastRejectLogNanos >= REJECT_LOG_INTERVAL_NANOS) {
      EventLog.rejectedReadings(connectionId, deviceId, reason.tag(), rejectedSinceLog, reading.toString());
      rejectedSinceLog = 0;
      lastRejectLogNanos = now;
    }
  }

  /**
   * Stops reading this socket for {@code reason} (acks simply come later); it is read again once
   * no reason is left. While the hub does not read, the device's pongs cannot be heard: no
   * heartbeat timeout then.
   */
  private void pause(PauseReason reason) {
    if (pausedFor.isEmpty()) {
      heartbeat.suspend(true);
      ws.pause();
    }
    pausedFor.add(reason);
  }

  private void resume(PauseReason reason) {
    if (pausedFor.remove(reason) && pausedFor.isEmpty()) {
      heartbeat.suspend(false);
      if (hubCloseReason == null) {
        ws.resume();
      }
    }
  }

  @Override
  public void acked(long cumulativePackets) {
    if (cumulativePackets <= acked) {
      return;
    }
    acked = cumulativePackets;
    sendAck();
    if (pausedFor.contains(PauseReason.DEVICE_BACKLOG) && received - acked <= channel.maxPendingPackets / 2) {
      resume(PauseReason.DEVICE_BACKLOG);
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

  private void terminateForHeartbeatTimeout(long quietMillis) {
    EventLog.heartbeatTimeout(connectionId, KIND, deviceId, remote, quietMillis);
    channel.metrics.heartbeatTimeout();
    hubCloseCode = ABNORMAL_CLOSURE;
    hubCloseReason = "heartbeat timeout";
    VertxInternals.terminate(ws);
  }

  private void disconnect(Violation violation, String reason) {
    if (hubCloseReason != null) {
      return;
    }
    hubCloseCode = violation.closeCode();
    hubCloseReason = reason;
    channel.metrics.connectionClosedForViolation(violation);
    if (violation.isClientError()) {
      EventLog.violation(connectionId, KIND, deviceId, remote, violation.closeCode(), reason);
    }
    ws.close(violation.closeCode(), reason);
    // Read on, so the device's closing echo arrives even if the socket was paused; frames that
    // come with it are dropped above.
    ws.resume();
  }

  /**
   * Without the frame guard a frame the decoder refused arrives here (and Vert.x drops the
   * connection right after); other failures, a reset say, end in onClosed, which logs them.
   */
  private void onException(Throwable failure) {
    CloseReason close = CloseReason.forDecoderFailure(failure);
    if (close != null) {
      onFrameViolation(close);
    }
  }

  /** A frame the decoder refused (1002, 1007 or 1009), or one with reserved bits set (1002). */
  private void onFrameViolation(CloseReason close) {
    Violation violation = Violation.forClose(close.code());
    disconnect(violation, violation == Violation.FRAME_TOO_LARGE ? "frame larger than the limit of the device channel"
        : close.reason());
  }

  private void onClosed() {
    heartbeat.stop();
    channel.open.remove(this);
    channel.metrics.deviceConnectionClosed();
    int code;
    String reason;
    if (hubCloseReason != null) {
      code = hubCloseCode;
      reason = hubCloseReason;
    } else if (ws.closeStatusCode() != null && ws.closeStatusCode() != ABNORMAL_CLOSURE) {
      code = ws.closeStatusCode();
      reason = "closed by device" + (ws.closeReason() == null || ws.closeReason().isEmpty() ? "" : ": " + ws.closeReason());
    } else {
      code = ABNORMAL_CLOSURE;
      reason = "connection lost";
    }
    EventLog.closed(connectionId, KIND, deviceId, remote, code, reason, "packets", received,
        channel.clock.millis() - connectedAtMillis);
    channel.registry.disconnected(deviceId, this, reason);
    closed.tryComplete();
  }

  @Override
  public void closeReplaced(Session newer) {
    context.runOnContext(ignored -> {
      EventLog.replaced(connectionId, deviceId, remote, newer.connectionId());
      disconnect(Violation.REPLACED, "replaced");
    });
  }

  @Override
  public void closeRevoked() {
    context.runOnContext(ignored -> disconnect(Violation.REVOKED, "token revoked"));
  }

  Future<Void> pauseForShutdown() {
    Promise<Void> paused = Promise.promise();
    context.runOnContext(ignored -> {
      pause(PauseReason.SHUTDOWN);
      paused.complete();
    });
    return paused.future();
  }

  /** Closes with 1001; completes when the connection has closed (or at once if it already has). */
  Future<Void> closeForShutdown() {
    context.runOnContext(ignored -> {
      if (ws.isClosed()) {
        closed.tryComplete();
      } else {
        disconnect(Violation.SHUTDOWN, "hub shutting down");
      }
    });
    return closed.future();
  }

  @Override
  public String connectionId() {
    return connectionId;
  }

  @Override
  public String remoteAddress() {
    return remote;
  }

  @Override
  public long connectedAtMillis() {
    return connectedAtMillis;
  }
}
