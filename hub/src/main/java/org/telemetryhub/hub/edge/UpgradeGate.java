package org.telemetryhub.hub.edge;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.hub.logging.ConnectionIds;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.logging.LogThrottle;
import org.telemetryhub.hub.logging.Refusal;
import org.telemetryhub.hub.metrics.HubMetrics;

/**
 * What every WebSocket upgrade request passes before its channel looks at it: the handshake rate
 * of its source address (429 with Retry-After) and a well-formed {@code Sec-WebSocket-Key}
 * (RFC 6455 section 4.2.1: base64 of 16 bytes; 400 otherwise).
 */
public final class UpgradeGate {

  private static final int KEY_BYTES = 16;

  private final HandshakeRate rate;
  private final HubMetrics metrics;
  private final LogThrottle rateLog = new LogThrottle(10, TimeUnit.SECONDS);

  public UpgradeGate(HandshakeRate rate, HubMetrics metrics) {
    this.rate = rate;
    this.metrics = metrics;
  }

  /** True when the request may go on to its endpoint; otherwise it has been answered. */
  public boolean admit(HttpServerRequest request) {
    String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    long retryAfter = rate.tryAcquire(address);
    if (retryAfter > 0) {
      metrics.handshakeRateLimited();
      String why = "too many WebSocket handshakes from " + address + ": try again in " + retryAfter + " s";
      if (rateLog.event() > 0) {
        EventLog.refused(ConnectionIds.next(), String.valueOf(request.remoteAddress()), request.path(), 429, why);
      }
      request.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
      Refusal.respond(request, 429, why);
      return false;
    }
    if (!wellFormedKey(request.getHeader("Sec-WebSocket-Key"))) {
      Refusal.refuse(request, ConnectionIds.next(), 400, "Sec-WebSocket-Key must be the base64 encoding of 16 bytes");
      return false;
    }
    return true;
  }

  static boolean wellFormedKey(String key) {
    if (key == null || key.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key).length == KEY_BYTES;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
