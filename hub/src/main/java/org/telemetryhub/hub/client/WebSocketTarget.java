package org.telemetryhub.hub.client;

import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;

/** How the hub's own clients (device-sim, 'hub subscribe') reach a path of a hub given as ws://HOST:PORT or wss://HOST:PORT. */
public final class WebSocketTarget {

  private WebSocketTarget() {
  }

  /** Options to connect to {@code path} of {@code hub}, with {@code token} as the bearer token (null: none). */
  public static WebSocketConnectOptions connectOptions(URI hub, String path, String token) {
    boolean tls = "wss".equals(hub.getScheme());
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(hub.getHost())
        .setPort(hub.getPort() > 0 ? hub.getPort() : tls ? 443 : 80)
        .setSsl(tls)
        .setURI(path);
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    return options;
  }
}
