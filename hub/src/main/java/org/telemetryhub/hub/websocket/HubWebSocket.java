package org.telemetryhub.hub.websocket;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.util.EnumSet;
import java.util.Locale;
import org.telemetryhub.hub.address.Echo;
import org.telemetryhub.hub.auth.Credentials;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.logging.Printable;
import org.telemetryhub.hub.metrics.HubMetrics;
import org.telemetryhub.hub.process.FatalErrors;
import org.telemetryhub.hub.internals.FrameFault;
import org.telemetryhub.hub.internals.WebSocketInternals;

/**
 * One WebSocket of the hub, on either channel: what a device connection and a subscriber
 * connection share. It reads frames and joins fragments into whole messages under the channel's
 * limit, keeps the heartbeat, pauses and resumes reading for named reasons, and is the one place
 * where a connection is closed, logged and counted: every close the hub decides goes through
 * {@link #close}, and every end of the connection, whoever ended it, through one closing line.
 *
 * <p>What the messages mean is the owner's business (the device or subscriber connection). Every
 * method runs on the socket's own event loop ({@link #context()}) unless it says otherwise.
 */
public final class HubWebSocket {

  /** The two channels. */
  public enum Kind {
    DEVICE, SUBSCRIBER;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why the hub is not reading the socket; it reads again once no reason is left. */
  public enum PauseReason {
    /** The store writer's queue is at capacity (every device waits). */
    STORE_FULL(true),
    /** The device has more packets waiting for their ack than its share of the store queue. */
    DEVICE_BACKLOG(true),
    /** The store is asked for the newest reading of the device before readings without a clock are stamped. */
    STORE_LOOKUP(true),
    /**
     * More replies wait for the subscriber than it may leave unread, or a request's replies are
     * still being produced as it reads them: its next requests wait in its own socket.
     */
    REPLIES_WAITING(false),
    /** The hub reads the store or asks other nodes for a subscriber's request (a resume, retained messages). */
    LOOKUP(true),
    /** The hub is stopping: nothing more is read. */
    SHUTDOWN(true);

    private final boolean suspendsHeartbeat;

    PauseReason(boolean suspendsHeartbeat) {
      this.suspendsHeartbeat = suspendsHeartbeat;
    }
  }

  /**
   * While the hub itself stops reading for a reason of its own (the store), the peer's pongs
   * cannot be heard: no heartbeat timeout then. A peer that does not read the hub's replies is
   * not excused: it does not read the pings either.
   */
  private boolean heartbeatSuspended() {
    return pausedFor.stream().anyMatch(reason -> reason.suspendsHeartbeat);
  }

  /** What the owner of the socket does with what arrives. */
  public interface Owner {
    /** A whole message (its fragments joined): TEXT or BINARY. */
    void onMessage(WebSocketFrameType type, Buffer message);

    /** Every heartbeat interval, while the peer is alive. */
    default void onTick() {
    }

    /** The socket has closed (the closing line is logged); {@code reason} as logged. */
    void onClosed(int code, String reason);

    /** What the closing line counts: packets received from a device, messages sent to a subscriber. */
    long count();
  }

  /** The heartbeats and limit of one channel; {@code messageName} names what a message is there ("message", "request"). */
  public record Settings(Heartbeats heartbeats, int maxMessageBytes, String messageName, String countName) {
  }

  /** How long a failed connection waits for the peer to close its side before the hub drops it: the closing timeout. */
  private static final long FAILED_CONNECTION_LINGER_MILLIS = 1_000;

  private final ServerWebSocket ws;
  private final Context context;
  private final String connectionId;
  private final Kind kind;
  private final String name;
  private final String remote;
  private final long openedAtMillis = System.currentTimeMillis();
  private final Settings settings;
  private final HubMetrics metrics;
  private final Owner owner;
  private final MessageAssembler assembler;
  private final Heartbeat heartbeat;
  private final EnumSet<PauseReason> pausedFor = EnumSet.noneOf(PauseReason.class);
  /** The id of the secret that signed the session's token (null with authentication off): the session ends when it is dropped. */
  private final String keyId;
  /** When the session's token expires, epoch milliseconds ({@link Credentials#NEVER} for never): the session ends then. */
  private final long expiresAtMillis;
  private boolean expiryTimerSet;
  private final Promise<Void> closed = Promise.promise();
  /** Set when the hub decided to end the connection: what it logs. */
  private CloseReason hubClose;

  /** @param name the device id, or the subscriber's name; @param credentials of the token it opened with */
  public HubWebSocket(ServerWebSocket ws, Context context, String connectionId, Kind kind, String name, Credentials credentials,
                      Settings settings, HubMetrics metrics, Owner owner) {
    this.ws = ws;
    this.keyId = credentials.keyId();
    this.expiresAtMillis = credentials.expiresAtMillis();
    this.context = context;
    this.connectionId = connectionId;
    this.kind = kind;
    this.name = name;
    this.remote = String.valueOf(ws.remoteAddress());
    this.settings = settings;
    this.metrics = metrics;
    this.owner = owner;
    this.assembler = new MessageAssembler(settings.maxMessageBytes());
    this.heartbeat = settings.heartbeats().heartbeat(context, ws, new Heartbeat.Listener() {
      @Override
      public void onTimeout(long quietMillis) {
        terminate(quietMillis);
      }

      @Override
      public void onTick() {
        endAtExpiry();
        owner.onTick();
      }
    });
  }

  /** Starts reading, the heartbeat, and logs and counts the opening. */
  public void start() {
    WebSocketInternals.compact(ws);
    // The upgrade request's headers (a token among them) were read by the upgrade; the socket would keep them for its life.
    ws.headers().clear();
    WebSocketInternals.guardInboundFrames(ws, this::onFrameViolation);
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(this::onException);
    ws.closeHandler(ignored -> onClosed());
    if (kind == Kind.DEVICE) {
      metrics.deviceConnectionOpened();
    } else {
      metrics.subscriberConnectionOpened();
    }
    EventLog.opened(connectionId, kind.wireName(), name, remote);
    heartbeat.start();
    endAtExpiry();
  }

  // ---- the session's credentials ----

  /**
   * Ends the session once its token has expired (1008 "token expired"). Checked at every tick; a
   * token that expires before the next tick gets a timer of its own for the exact moment, so a
   * socket pays for a timer only in its last interval.
   */
  private void endAtExpiry() {
    if (expiresAtMillis == Credentials.NEVER || hubClose != null) {
      return;
    }
    long left = expiresAtMillis - System.currentTimeMillis();
    if (left <= 0) {
      close(CloseCause.TOKEN_EXPIRED, "token expired at " + java.time.Instant.ofEpochMilli(expiresAtMillis));
    } else if (left <= settings.heartbeats().intervalMillis() && !expiryTimerSet) {
      expiryTimerSet = true;
      context.owner().setTimer(left, id -> endAtExpiry());
    }
  }

  /** Ends the session when the secret that signed its token is not among {@code accepted} any more. May be called from any thread. */
  public void endIfSecretRetired(java.util.Set<String> accepted) {
    if (keyId != null && !accepted.contains(keyId)) {
      context.runOnContext(ignored -> close(CloseCause.SECRET_RETIRED, "token's secret was retired: get a new token"));
    }
  }

  /** Ends the session because its token was revoked (1008). May be called from any thread. */
  public void endRevoked() {
    context.runOnContext(ignored -> close(CloseCause.REVOKED, "token revoked"));
  }

  // ---- reading ----

  private void onFrame(WebSocketFrame frame) {
    heartbeat.heard();
    WebSocketFrameType type = frame.type();
    if (hubClose != null || type == WebSocketFrameType.PING || type == WebSocketFrameType.PONG
        || type == WebSocketFrameType.CLOSE) {
      return; // control frames are answered by Vert.x and only prove the peer alive; nothing is read once closing
    }
    MessageAssembler.Result result = assembler.accept(frame);
    if (result.violation() != null) {
      close(result.violation().cause(), reasonFor(result.violation()));
    } else if (result.message() == null) {
      return;
    } else if (result.type() == WebSocketFrameType.TEXT && !Utf8.valid(result.message())) {
      close(CloseCause.INVALID_TEXT, settings.messageName() + " is not valid UTF-8 text");
    } else {
      owner.onMessage(result.type(), result.message());
    }
  }

  /**
   * A frame the decoder refused (1002, 1007 or 1009) or one with reserved bits set. A protocol
   * error fails the connection at once; a frame over the limit is closed as any message over it
   * (the peer's answer is not heard: the decoder discards what follows, so the closing timeout ends it).
   */
  private void onFrameViolation(FrameFault fault) {
    CloseReason violation = new CloseReason(CloseCause.of(fault.kind()), fault.reason());
    close(violation.cause(), reasonFor(violation));
  }

  private String reasonFor(CloseReason violation) {
    return violation.cause() == CloseCause.TOO_LARGE
        ? settings.messageName() + " larger than the limit of " + settings.maxMessageBytes() + " bytes"
        : violation.reason();
  }

  /**
   * Without the frame guard a frame the decoder refused arrives here (and Vert.x drops the
   * connection right after); other failures, a reset say, end in onClosed, which logs them, and
   * an error the process cannot go on from ends it.
   */
  private void onException(Throwable failure) {
    FatalErrors.check(failure); // Netty reports a read that found no memory here, and drops the connection
    FrameFault fault = WebSocketInternals.decoderFailure(failure);
    if (fault != null) {
      onFrameViolation(fault);
    }
  }

  /** Stops reading the socket for {@code reason}; it is read again once no reason is left. */
  public void pause(PauseReason reason) {
    if (pausedFor.isEmpty()) {
      ws.pause();
    }
    pausedFor.add(reason);
    heartbeat.suspend(heartbeatSuspended());
  }

  public void resume(PauseReason reason) {
    if (!pausedFor.remove(reason)) {
      return;
    }
    heartbeat.suspend(heartbeatSuspended());
    if (pausedFor.isEmpty() && hubClose == null) {
      ws.resume();
    }
  }

  public boolean pausedFor(PauseReason reason) {
    return pausedFor.contains(reason);
  }

  // ---- closing ----

  /**
   * Ends the connection for {@code cause}, once: logs it (client errors and the hub's refusals;
   * replacements and shutdown have their own lines), counts a device's client errors, sends the
   * close frame, and reads on so that the peer's closing echo arrives even if the socket was
   * paused (frames that come with it are not delivered). A peer that broke the protocol itself
   * ({@link CloseCause#failsConnection}) gets no closing handshake: the hub's side of the TCP
   * connection ends right after the close frame.
   */
  public void close(CloseCause cause, String reason) {
    if (hubClose != null) {
      return;
    }
    hubClose = new CloseReason(cause, reason);
    if (cause.clientError() && kind == Kind.DEVICE) {
      metrics.connectionClosedForInvalidFrame(cause.invalidFrame());
    }
    if (cause != CloseCause.REPLACED && cause != CloseCause.SHUTDOWN) {
      EventLog.closing(connectionId, kind.wireName(), name, remote, cause.code(), hubClose.reason());
    }
    if (cause.failsConnection()) {
      WebSocketInternals.failConnection(ws, cause.code(), hubClose.reason(), FAILED_CONNECTION_LINGER_MILLIS);
    } else {
      ws.close(cause.code(), hubClose.reason());
    }
    ws.resume();
  }

  /** Nothing arrived for the heartbeat timeout: drops the TCP connection without a close frame (the peer sees 1006). */
  private void terminate(long quietMillis) {
    EventLog.heartbeatTimeout(connectionId, kind.wireName(), name, remote, quietMillis);
    metrics.heartbeatTimeout();
    hubClose = new CloseReason(CloseCause.HEARTBEAT_TIMEOUT, "heartbeat timeout");
    WebSocketInternals.terminate(ws);
  }

  /** True once the hub decided to end the connection: nothing more is taken from it. */
  public boolean closing() {
    return hubClose != null;
  }

  /** Stops reading for the hub's stop; may be called from any thread. */
  public Future<Void> pauseForShutdown() {
    Promise<Void> paused = Promise.promise();
    context.runOnContext(ignored -> {
      pause(PauseReason.SHUTDOWN);
      paused.complete();
    });
    return paused.future();
  }

  /** Closes with 1001; completes when the connection has closed (at once if it already has). May be called from any thread. */
  public Future<Void> closeForShutdown() {
    context.runOnContext(ignored -> {
      if (ws.isClosed()) {
        closed.tryComplete();
      } else {
        close(CloseCause.SHUTDOWN, "hub shutting down");
      }
    });
    return closed.future();
  }

  private void onClosed() {
    heartbeat.stop();
    if (kind == Kind.DEVICE) {
      metrics.deviceConnectionClosed();
    } else {
      metrics.subscriberConnectionClosed();
    }
    int code;
    String reason;
    Short peerCode = ws.closeStatusCode();
    if (hubClose != null) {
      code = hubClose.code();
      reason = hubClose.reason();
    } else if (peerCode != null && peerCode != CloseCause.HEARTBEAT_TIMEOUT.code()) {
      code = peerCode;
      // The peer's own words: kept in the device's status and stored, so made one line first.
      reason = "closed by " + kind.wireName() + (ws.closeReason() == null || ws.closeReason().isEmpty() ? ""
          : ": " + Printable.oneLine(Echo.of(ws.closeReason())));
    } else {
      code = CloseCause.HEARTBEAT_TIMEOUT.code();
      reason = "connection lost";
    }
    EventLog.closed(connectionId, kind.wireName(), name, remote, code, reason, settings.countName(), owner.count(),
        System.currentTimeMillis() - openedAtMillis);
    owner.onClosed(code, reason);
    closed.tryComplete();
  }

  // ---- what the owner may use ----

  /** The socket, for the owner's writes (acks, replies). */
  public ServerWebSocket socket() {
    return ws;
  }

  public Context context() {
    return context;
  }

  public String connectionId() {
    return connectionId;
  }

  public String remoteAddress() {
    return remote;
  }

  public long openedAtMillis() {
    return openedAtMillis;
  }
}
