package org.telemetryhub.hub.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection and liveness events, one line each, on their own logger ({@value #NAME}) so an
 * operator can route them to their own appender. Every line names the connection id and the
 * remote address. Never a line per reading. Text that can come from a client (names, paths,
 * reasons) is written with its control characters escaped ({@link Printable}): one event is
 * one line, whatever a client sends.
 */
public final class EventLog {

  public static final String NAME = "hub.events";
  private static final Logger LOG = LoggerFactory.getLogger(NAME);

  private EventLog() {
  }

  public static void opened(String connectionId, String kind, String name, String remote) {
    LOG.info("conn={} remote={} {}={} opened", connectionId, remote, kind, p(name));
  }

  public static void refused(String connectionId, String remote, String path, int status, String why) {
    LOG.warn("conn={} remote={} path={} refused status={} reason=\"{}\"", connectionId, remote, p(path), status, p(why));
  }

  /** @param countName what {@code count} counts: packets received from a device, messages sent to a subscriber */
  public static void closed(String connectionId, String kind, String name, String remote, int code, String reason,
                            String countName, long count, long millisOpen) {
    LOG.info("conn={} remote={} {}={} closed code={} reason=\"{}\" {}={} open_ms={}",
        connectionId, remote, kind, p(name), code, p(reason), countName, count, millisOpen);
  }

  /**
   * The hub decided to end a connection, for a client error (a bad frame, bad text) or a refusal of
   * its own (a revoked or expired token, a subscriber over its limit, one too slow): logged as the
   * close frame goes out. The line that follows it, "closed", is logged when the socket has closed.
   */
  public static void closing(String connectionId, String kind, String name, String remote, int code, String reason) {
    LOG.warn("conn={} remote={} {}={} closing code={} reason=\"{}\"", connectionId, remote, kind, p(name), code, p(reason));
  }

  public static void heartbeatTimeout(String connectionId, String kind, String name, String remote, long silentMillis) {
    LOG.warn("conn={} remote={} {}={} heartbeat timeout: nothing received for {} ms, terminating",
        connectionId, remote, kind, p(name), silentMillis);
  }

  public static void replaced(String connectionId, String device, String remote, String newerConnectionId) {
    LOG.info("conn={} remote={} device={} replaced by conn={}", connectionId, remote, device, newerConnectionId);
  }

  public static void status(String device, String state, String reason) {
    LOG.info("device={} state={} reason=\"{}\"", device, state, p(reason));
  }

  public static void alert(String device, String rule, String state, float value) {
    LOG.info("device={} alert={} state={} value={}", device, rule, state, value);
  }

  public static void rejectedReadings(String connectionId, String device, String reason, long count, String example) {
    LOG.warn("conn={} device={} rejected {} reading(s) reason={} e.g. {}", connectionId, device, count, reason, example);
  }

  /** Connections refused at accept for a limit; {@code count} is how many this line stands for (throttled). */
  public static void connectionsRefused(String remote, String why, long count) {
    LOG.warn("remote={} connection refused: {} ({} refused since the last such line)", remote, p(why), count);
  }

  /** A connection closed for missing a deadline; {@code count} is how many this line stands for (throttled). */
  public static void connectionTimedOut(String connectionId, String remote, String phase, long millis, long count) {
    LOG.warn("conn={} remote={} closed: no {} within {} ms ({} closed for a deadline since the last such line)",
        connectionId, remote, "headers".equals(phase) ? "request headers" : "upgrade".equals(phase) ? "WebSocket upgrade"
            : "request on an idle connection", millis, count);
  }

  /** Tokens of a device, subscriber or api name were revoked ({@code kind}: device, subscriber, api). */
  public static void revoked(String kind, String name, String by, boolean connectionClosed) {
    LOG.warn("{}={} tokens revoked by={}{}", kind, p(name), p(by), connectionClosed ? ", its connection closed" : "");
  }

  private static String p(String clientText) {
    return Printable.of(clientText);
  }
}
