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
import org.telemetryhub.hub.websocket.VertxInternals;

/**
 * Every TCP connection of the hub, from accept to close: admitted within the connection limits
 * (in all and per source address) or refused at once with 503, and given a deadline for each
 * phase in which it would otherwise hold a socket for nothing:
 * <ul>
 *   <li>headers: from accept to the end of the first request's headers ({@code headerTimeout});</li>
 *   <li>upgrade: from the headers of a WebSocket upgrade request to the open WebSocket
 *   ({@code upgradeTimeout});</li>
 *   <li>idle: from the start of a plain HTTP request to the next one on the same keep-alive
 *   connection ({@code idleTimeout}).</li>
 * </ul>
 * An open WebSocket has no deadline here: its heartbeat decides. Each connection's timer runs on
 * its own event loop; the table of connections is shared by all of them.
 */
public final class ConnectionGuard {

  /** One admitted connection: where it comes from and its current deadline. */
  private static final class Guarded {
    final String id;
    final String address;
    long timer = -1;
    ConnectionPhase phase;

    Guarded(String id, String address) {
      this.id = id;
      this.address = address;
    }
  }

  private final Vertx vertx;
  private final ConnectionLimits limits;
  private final HubMetrics metrics;
  private final long headerTimeoutMillis;
  private final long upgradeTimeoutMillis;
  private final long idleTimeoutMillis;
  /**
   * Keyed by {@link VertxInternals#connectionKey}, not by the HTTP connection: an upgraded
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

  /** A TCP connection was accepted (its event loop calls): admits it, or refuses it with 503 and closes it. */
  public void accepted(HttpConnection connection) {
    String address = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
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
      VertxInternals.refuseConnection(connection, 503, "{\"error\":\"" + why + "\"}");
      return;
    }
    Guarded guarded = new Guarded(ConnectionIds.next(), address);
    Object key = VertxInternals.connectionKey(connection);
    connections.put(key, guarded);
    VertxInternals.onTcpClose(connection, () -> {
      connections.remove(key);
      limits.release(address);
    });
    deadline(connection, guarded, ConnectionPhase.HEADERS, headerTimeoutMillis);
  }

  /** A request's headers arrived (its event loop calls, before the request is handled). */
  public void requestArrived(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    Guarded guarded = connections.get(VertxInternals.connectionKey(connection));
    if (guarded == null) {
      return;
    }
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
      deadline(connection, guarded, ConnectionPhase.UPGRADE, upgradeTimeoutMillis);
    } else {
      deadline(connection, guarded, ConnectionPhase.IDLE, idleTimeoutMillis);
    }
  }

  /** The request's connection is now an open WebSocket: its heartbeat takes over. */
  public void upgraded(HttpServerRequest request) {
    Guarded guarded = connections.get(VertxInternals.connectionKey(request.connection()));
    if (guarded != null) {
      vertx.cancelTimer(guarded.timer);
      guarded.phase = null;
    }
  }

  private void deadline(HttpConnection connection, Guarded guarded, ConnectionPhase phase, long millis) {
    vertx.cancelTimer(guarded.timer);
    guarded.phase = phase;
    guarded.timer = vertx.setTimer(millis, id -> {
      if (guarded.phase != phase || guarded.timer != id) {
        return;
      }
      metrics.connectionTimedOut(phase);
      long count = timeoutLog.event();
      if (count > 0) {
        EventLog.connectionTimedOut(guarded.id, guarded.address, phase.tag(), millis, count);
      }
      connection.close();
    });
  }
}
