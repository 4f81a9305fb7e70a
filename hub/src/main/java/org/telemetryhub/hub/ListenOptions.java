package org.telemetryhub.hub;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the hub listens.
 *
 * @param host                the address to listen on
 * @param port                the TCP port for WebSocket and HTTP; 0 picks a free one
 * @param eventLoops          event-loop threads serving sockets; 0 means one per core
 * @param tlsCert             the certificate chain (PEM) to serve https and wss with; null for plain http and ws
 * @param tlsKey              the private key of {@code tlsCert}
 * @param reloadCheckInterval how often the TLS files and the token secret file are checked for changes
 */
public record ListenOptions(String host, int port, int eventLoops, Path tlsCert, Path tlsKey, Duration reloadCheckInterval) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_EVENT_LOOPS = 0;
  public static final Duration DEFAULT_RELOAD_CHECK_INTERVAL = Duration.ofSeconds(10);
  public static final ListenOptions DEFAULTS = new ListenOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_EVENT_LOOPS, null, null,
      DEFAULT_RELOAD_CHECK_INTERVAL);

  /** The event loops, with 0 resolved to the number of cores. */
  public int eventLoopCount() {
    return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
  }

  public boolean tlsEnabled() {
    return tlsCert != null;
  }

  public ListenOptions withAddress(String host, int port) {
    return new ListenOptions(host, port, eventLoops, tlsCert, tlsKey, reloadCheckInterval);
  }

  public ListenOptions withTls(Path certificate, Path key) {
    return new ListenOptions(host, port, eventLoops, certificate, key, reloadCheckInterval);
  }

  public ListenOptions withReloadCheckInterval(Duration interval) {
    return new ListenOptions(host, port, eventLoops, tlsCert, tlsKey, interval);
  }
}
