package org.telemetryhub.hub.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.TimeUnit;
import org.slf4j.Marker;

/**
 * Lets through at most one line per interval of a library's logger that a stranger can make write
 * at will: Vert.x's connection logger writes one error per event-bus connection whose TLS
 * handshake fails, which is every attempt of a host without the cluster's certificate. The first
 * line of each interval still shows, so a misconfigured certificate between real nodes is seen.
 * Set in logback.xml: {@code <turboFilter class="...ThrottledLogger"><logger>NAME</logger></turboFilter>}.
 */
public final class ThrottledLogger extends TurboFilter {

  private String logger;
  private final LogThrottle throttle = new LogThrottle(10, TimeUnit.SECONDS);

  /** The logger whose lines are throttled (set by logback from the configuration). */
  public void setLogger(String logger) {
    this.logger = logger;
  }

  @Override
  public FilterReply decide(Marker marker, Logger from, Level level, String format, Object[] params, Throwable failure) {
    if (logger == null || from == null || !logger.equals(from.getName()) || format == null && failure == null
        || failure instanceof Error) {
      return FilterReply.NEUTRAL; // errors of the JVM always show (and reach FatalErrors' own filter)
    }
    return throttle.event() > 0 ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
