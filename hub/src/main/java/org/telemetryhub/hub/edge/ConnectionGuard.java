package org.telemetryhub.hub.edge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.hub.logging.ConnectionIds;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.logging.LogThrottle;
import org.telemetryhub.hub.metrics.ConnectionPhase;
import org.telemetryhub.hub.metrics.ConnectionRefusal;
import org.telemetryhub.hub.metrics.HubMetrics;
import org.telemetryhub.hub.internals.ConnectionInternals;

/**
 * Every TCP connection of the hub, from accept to close: admitted within the connection limits
 * (in all and per source address) or refused at once (503 on plain HTTP; a TLS socket is closed),
 * and given a deadline for each phase in which it would otherwise hold a socket for nothing:
 * <ul>
 *   <li>headers: from accept to the end of the first request's headers, the TLS handshake
 *   included ({@code headerTimeout});</li>
 *   <li>upgrade: from the headers of a WebSocket upgrade request to the open WebSocket
 *   ({@code upgradeTimeout});</li>
 *   <li>idle: from the end of a plain HTTP answer to the next request on the same keep-alive
 *   connection ({@code idleTimeout}). A request being answered (a slow history query) is not idle,
 *   nor is a connection whose peer is still reading an answer; one whose peer stopped reading is.</li>
 * </ul>
 * An open WebSocket has no deadline here: its heartbeat decides. A connection is counted from the
 * moment it is accepted ({@link #admit}, before TLS), so sockets that never complete a handshake
 * count against the limits too. The table of connections is shared by every event loop.
 */
public final class ConnectionGuard {

  /** One admitted connection: where it comes from, what identifies it (to close it), and its current deadline. */
  private static final class Guarded {
    final String id;
    final String address;
    final Object key;
    /** Taken past the connection limit: it may ask /health/..., nothing else. */
    final boolean healthChecksOnly;
    long timer = -1;
    ConnectionPhase phase;
    /** Bytes of answers the peer had not read at the last idle check: what it read since tells it is still reading. */
    long unwrittenAtLastCheck;

    Guarded(String id, String address, Object key, boolean healthChecksOnly) {
      this.id = id;
      this.address = address;
      this.key = key;
      this.healthChecksOnly = healthChecksOnly;
    }
  }

  /** What a client refused for a connection limit is told to wait before it tries again. */
  static final int RETRY_AFTER_SECONDS = 5;
  /** Health checks, which a connection taken past the limit may still ask. */
  private static final String HEALTH_PATH = "/health";

  private final Vertx vertx;
  private final ConnectionLimits limits;
  private final HubMetrics metrics;
  private final long headerTimeoutMillis;
  private final long upgradeTimeoutMillis;
  private final long idleTimeoutMillis;
  /**
   * Keyed by {@link ConnectionInternals#connectionKey}, not by the HTTP connection: an upgraded
   * connection's HTTP object (its upgrade request, headers and write queue) is not kept alive here.
   */
  private final ConcurrentMap<Object, Guarded> connections = new ConcurrentHashMap<>();
  private final LogThrottle refusalLog = new LogThrottle(10, TimeUnit.SECONDS);
  private final LogThrottle timeoutLog = new LogThrottle(10, TimeUnit.SECONDS);

  public ConnectionGuard(Vertx vertx, ConnectionLimits limits, HubMetrics metrics, Duration headerTimeout,
                         Duration upgradeTimeout, Duration idleTimeout) {
    this.vertx = vertx;
    this.limits = limits;
    this.metrics = metrics;
    this.headerTimeoutMillis = headerTimeout.toMillis();
    this.upgradeTimeoutMillis = upgradeTimeout.toMillis();
    this.idleTimeoutMillis = idleTimeout.toMillis();
    metrics.registerConnections(limits::total);
  }

  /**
   * A TCP connection was accepted, before anything else runs on it (TLS, HTTP): counts it and
   * starts its header deadline, or refuses it. Called on its event loop by the hook at accept
   * ({@link ConnectionInternals#watchAccepts}). Returns whether it was admitted.
   */
  public boolean admit(ConnectionInternals.GuardedSocket socket) {
    String address = socket.remoteAddress();
    ConnectionRefusal refusal = limits.tryAcquire(address);
    if (refusal != null) {
      metrics.connectionRefused(refusal);
      long count = refusalLog.event();
      String why = refusal == ConnectionRefusal.MAX_CONNECTIONS
          ? "the hub holds its limit of " + limits.maxConnections() + " connections"
          : "address " + address + " holds its limit of " + limits.maxPerAddress() + " connections";
      if (count > 0) {
        EventLog.connectionsRefused(address, why, count);
      }
      socket.refuse(503, "{\"error\":\"" + why + "\"}", RETRY_AFTER_SECONDS);
      return false;
    }
    Object key = socket.key();
    Guarded guarded = new Guarded(ConnectionIds.next(), address, key, limits.full());
    connections.put(key, guarded);
    socket.onClose(() -> {
      Guarded closed = connections.remove(key);
      if (closed != null) {
        vertx.cancelTimer(closed.timer);
      }
      limits.release(address);
    });
    deadline(guarded, ConnectionPhase.HEADERS, headerTimeoutMillis);
    return true;
  }

  /**
   * Vert.x made an accepted TCP connection an HTTP connection (after TLS, if any). One admitted
   * at accept goes on under the deadline it has (one refused there never gets here). One the hook
   * at accept did not see (it could not be installed, or the connection came before it was) is
   * admitted now.
   */
  public void accepted(HttpConnection connection) {
    Object key = ConnectionInternals.connectionKey(connection);
    if (!connections.containsKey(key) && ConnectionInternals.isOpen(connection)) {
      admit(ConnectionInternals.guardedSocket(connection));
    }
  }

  /**
   * A request's headers arrived (its event loop calls, before the request is handled). Returns
   * whether the request goes on: one on a connection taken past the limit is answered 503 and the
   * connection closed, unless it asks for a health check.
   */
  public boolean requestArrived(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    Guarded guarded = connections.get(ConnectionInternals.connectionKey(connection));
    if (guarded == null) {
      return true;
    }
    if (guarded.healthChecksOnly && !request.path().startsWith(HEALTH_PATH)) {
      metrics.connectionRefused(ConnectionRefusal.MAX_CONNECTIONS);
      request.response().setStatusCode(503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS))
          .putHeader(HttpHeaders.CONNECTION, "close")
          .end("{\"error\":\"the hub holds its limit of " + limits.maxConnections() + " connections\"}")
          .onComplete(ignored -> connection.close());
      return false;
    }
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
      deadline(guarded, ConnectionPhase.UPGRADE, upgradeTimeoutMillis);
    } else {
      deadline(guarded, ConnectionPhase.IDLE, idleTimeoutMillis);
    }
    return true;
  }

  /** The request's connection is now an open WebSocket: its heartbeat takes over. */
  public void upgraded(HttpServerRequest request) {
    Guarded guarded = connections.get(ConnectionInternals.connectionKey(request.connection()));
    if (guarded != null) {
      vertx.cancelTimer(guarded.timer);
      guarded.phase = null;
    }
  }

  /**
   * Whether a connection under its idle deadline is still at work: answering a request, or its peer
   * reading an answer (fewer bytes wait for it than at the last check). A peer that stopped reading is not.
   */
  private static boolean stillBusy(Guarded guarded) {
    ConnectionInternals.HttpActivity activity = ConnectionInternals.activity(guarded.key);
    long before = guarded.unwrittenAtLastCheck;
    guarded.unwrittenAtLastCheck = activity.unwrittenBytes();
    return activity.answering() || activity.unwrittenBytes() > 0 && activity.unwrittenBytes() != before;
  }

  private void deadline(Guarded guarded, ConnectionPhase phase, long millis) {
    vertx.cancelTimer(guarded.timer);
    guarded.phase = phase;
    guarded.timer = vertx.setTimer(millis, id -> {
      if (guarded.phase != phase || guarded.timer != id) {
        return;
      }
      if (phase == ConnectionPhase.IDLE && stillBusy(guarded)) {
        deadline(guarded, phase, millis); // idle time counts from the end of the answer
        return;
      }
      metrics.connectionTimedOut(phase);
      long count = timeoutLog.event();
      if (count > 0) {
        EventLog.connectionTimedOut(guarded.id, guarded.address, phase.tag(), millis, count);
      }
      ConnectionInternals.close(guarded.key);
    });
  }
}
