package org.telemetryhub.hub.edge;

import java.time.Duration;
import org.telemetryhub.hub.config.OpenFileLimit;

/**
 * What a connection must pass before it reaches a channel.
 *
 * @param maxConnections           connections at once; 0: nine tenths of the open-file limit
 * @param maxConnectionsPerAddress connections at once from one address; 0: a quarter of {@link #connectionLimit()}
 * @param handshakeRatePerAddress  WebSocket upgrades per second from one address (bursts of ten times that)
 * @param headerTimeout            how long a new connection (its TLS handshake included) may take to send its request
 * @param upgradeTimeout           how long an upgrade may take from its request to its first frame
 * @param idleTimeout              how long an HTTP connection may stay without a request, from the end of its last answer
 */
public record EdgeOptions(int maxConnections, int maxConnectionsPerAddress, int handshakeRatePerAddress,
                          Duration headerTimeout, Duration upgradeTimeout, Duration idleTimeout) {

  public static final int DEFAULT_MAX_CONNECTIONS = 0;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 0;
  public static final int DEFAULT_HANDSHAKE_RATE_PER_ADDRESS = 100;
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_UPGRADE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final EdgeOptions DEFAULTS = new EdgeOptions(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
      DEFAULT_HANDSHAKE_RATE_PER_ADDRESS, DEFAULT_HEADER_TIMEOUT, DEFAULT_UPGRADE_TIMEOUT, DEFAULT_IDLE_TIMEOUT);

  /** {@link #maxConnections}, or nine tenths of the open-file limit when it is 0 (the rest is left for files and the JVM). */
  public int connectionLimit() {
    if (maxConnections > 0) {
      return maxConnections;
    }
    long openFiles = OpenFileLimit.get();
    return (int) Math.max(64, Math.min(Integer.MAX_VALUE, openFiles - Math.max(64, openFiles / 10)));
  }

  /** {@link #maxConnectionsPerAddress}, or a quarter of {@link #connectionLimit()} when it is 0. */
  public int connectionLimitPerAddress() {
    return maxConnectionsPerAddress > 0 ? maxConnectionsPerAddress : Math.max(1, connectionLimit() / 4);
  }

  public EdgeOptions withConnectionLimits(int connections, int perAddress) {
    return new EdgeOptions(connections, perAddress, handshakeRatePerAddress, headerTimeout, upgradeTimeout, idleTimeout);
  }

  public EdgeOptions withHandshakeRatePerAddress(int perSecond) {
    return new EdgeOptions(maxConnections, maxConnectionsPerAddress, perSecond, headerTimeout, upgradeTimeout, idleTimeout);
  }

  public EdgeOptions withTimeouts(Duration header, Duration upgrade, Duration idle) {
    return new EdgeOptions(maxConnections, maxConnectionsPerAddress, handshakeRatePerAddress, header, upgrade, idle);
  }

  public EdgeOptions withHeaderTimeout(Duration header) {
    return withTimeouts(header, upgradeTimeout, idleTimeout);
  }

  public EdgeOptions withUpgradeTimeout(Duration upgrade) {
    return withTimeouts(headerTimeout, upgrade, idleTimeout);
  }

  public EdgeOptions withIdleTimeout(Duration idle) {
    return withTimeouts(headerTimeout, upgradeTimeout, idle);
  }
}
