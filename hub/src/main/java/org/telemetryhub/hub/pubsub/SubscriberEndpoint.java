package org.telemetryhub.hub.pubsub;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.List;
import org.telemetryhub.hub.address.Echo;
import org.telemetryhub.hub.auth.Authenticator;
import org.telemetryhub.hub.auth.BearerToken;
import org.telemetryhub.hub.edge.UpgradeFlow;
import org.telemetryhub.hub.logging.ConnectionIds;
import org.telemetryhub.hub.logging.Refusal;

/**
 * {@code GET /ws/subscribe}: checks the origin of browser upgrades (403), then goes the upgrade
 * way (credentials, upgrade) and hands the socket to a {@link SubscriberConnection}; past the
 * subscriber limit that connection closes at once with 1008.
 */
public final class SubscriberEndpoint implements Handler<HttpServerRequest> {

  public static final String PATH = "/ws/subscribe";
  /** permessage-deflate for subscribers who ask for it; nothing to do when credentials are refused. */
  private static final UpgradeFlow.Options OPTIONS = new UpgradeFlow.Options(true, () -> { });

  private final SubscriberChannel channel;
  private final Authenticator authenticator;
  private final List<String> allowedOrigins;
  private final UpgradeFlow upgrades;

  /** @param allowedOrigins origins (scheme://host[:port]) allowed besides the hub's own; "*" allows any */
  public SubscriberEndpoint(SubscriberChannel channel, Authenticator authenticator, List<String> allowedOrigins,
                            UpgradeFlow upgrades) {
    this.channel = channel;
    this.authenticator = authenticator;
    this.allowedOrigins = List.copyOf(allowedOrigins);
    this.upgrades = upgrades;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String connectionId = ConnectionIds.next();
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !originAllowed(origin, request.getHeader(HttpHeaders.HOST))) {
      Refusal.refuse(request, connectionId, 403, "origin '" + Echo.of(origin) + "' is not allowed (see --allowed-origins)");
      return;
    }
    upgrades.upgrade(request, connectionId, OPTIONS, () -> authenticator.authenticateSubscriber(BearerToken.of(request)),
        (ws, context, grant) -> new SubscriberConnection(channel, ws, context, connectionId, grant).start());
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
