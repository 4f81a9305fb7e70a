package org.telemetryhub.hub.pubsub;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.telemetryhub.hub.auth.AuthException;
import org.telemetryhub.hub.auth.BearerToken;
import org.telemetryhub.hub.auth.Authenticator;
import org.telemetryhub.hub.limits.ConnectionGuard;
import org.telemetryhub.hub.logging.ConnectionIds;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.logging.Refusal;

/**
 * {@code GET /ws/subscribe}: checks the origin of browser upgrades (403), the credentials (401),
 * then upgrades; past the subscriber limit the socket is closed at once with 1008.
 */
public final class SubscriberEndpoint implements Handler<HttpServerRequest> {

  public static final String PATH = "/ws/subscribe";
  private static final short POLICY_VIOLATION = 1008;

  private final SubscriberChannel channel;
  private final Authenticator authenticator;
  private final List<String> allowedOrigins;
  private final ConnectionGuard guard;
  private final BooleanSupplier accepting;

  /** @param allowedOrigins origins (scheme://host[:port]) allowed besides the hub's own; "*" allows any */
  public SubscriberEndpoint(SubscriberChannel channel, Authenticator authenticator, List<String> allowedOrigins,
                            ConnectionGuard guard, BooleanSupplier accepting) {
    this.channel = channel;
    this.authenticator = authenticator;
    this.allowedOrigins = List.copyOf(allowedOrigins);
    this.guard = guard;
    this.accepting = accepting;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String connectionId = ConnectionIds.next();
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !originAllowed(origin, request.getHeader(HttpHeaders.HOST))) {
      Refusal.refuse(request, connectionId, 403, "origin '" + origin + "' is not allowed (see --allowed-origins)");
      return;
    }
    if (!accepting.getAsBoolean()) {
      Refusal.refuse(request, connectionId, 503, "the hub is shutting down");
      return;
    }
    request.pause();
    authenticator.authenticateSubscriber(BearerToken.of(request)).onComplete(result -> {
      if (result.failed()) {
        String why = result.cause() instanceof AuthException ? result.cause().getMessage() : "credentials could not be checked";
        Refusal.refuse(request, connectionId, 401, why);
      } else if (!request.canUpgradeToWebSocket()) {
        Refusal.refuse(request, connectionId, 400, "expected a WebSocket upgrade request");
      } else {
        request.toWebSocket().onSuccess(ws -> {
          guard.upgraded(request);
          if (channel.openConnections() >= channel.limits.maxSubscribers()) {
            EventLog.refused(connectionId, String.valueOf(request.remoteAddress()), PATH, POLICY_VIOLATION,
                "subscriber limit reached");
            ws.close(POLICY_VIOLATION, "subscriber limit of " + channel.limits.maxSubscribers() + " reached");
            return;
          }
          new SubscriberConnection(channel, ws, Vertx.currentContext(), connectionId, result.result()).start();
        }).onFailure(e -> EventLog.refused(connectionId, String.valueOf(request.remoteAddress()), PATH, 400,
            "upgrade failed: " + e.getMessage()));
      }
    });
  }

  /** Same-origin upgrades (Origin's host:port is the Host header) are allowed; others only if listed. */
  private boolean originAllowed(String origin, String host) {
    if (allowedOrigins.contains("*") || allowedOrigins.contains(origin)) {
      return true;
    }
    try {
      URI uri = URI.create(origin);
      String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return host != null && host.equalsIgnoreCase(authority);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }


}
