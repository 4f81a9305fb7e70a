package org.telemetryhub.hub.client;

import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;

/** How the hub's own clients (device-sim, 'hub subscribe') reach a path of a hub given as ws://HOST:PORT or wss://HOST:PORT. */
public final class WebSocketTarget {

  /**
   * How long a connection attempt may wait for the hub's answer to its upgrade: without a bound, a
   * handshake whose bytes vanished (a black hole, a half-open link) waits forever and the client
   * never retries. The hub itself gives a connection 10 s for its headers and 10 s for the upgrade.
   */
  public static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private WebSocketTarget() {
  }

  /** Options to connect to {@code path} of {@code hub}, with {@code token} as the bearer token (null: none). */
  public static WebSocketConnectOptions connectOptions(URI hub, String path, String token) {
    boolean tls = "wss".equals(hub.getScheme());
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(hub.getHost())
        .setPort(hub.getPort() > 0 ? hub.getPort() : tls ? 443 : 80)
        .setSsl(tls)
        .setURI(path)
        .setTimeout(HANDSHAKE_TIMEOUT_MILLIS);
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    return options;
  }
}
