package org.telemetryhub.hub.metrics;

import io.micrometer.core.ipc.http.HttpSender;
import io.micrometer.core.ipc.http.HttpUrlConnectionSender;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.logging.Printable;

/**
 * The sender of the meters' pushes to InfluxDB, which says once when pushing stops working and
 * once when it works again, instead of a stack trace at every step while InfluxDB is down (the
 * registry's own error lines are off in logback.xml; health already reports the store). A failure
 * is handed back to the registry as a response, never thrown, so it is not logged again there.
 */
final class PushStateLog implements HttpSender {

  private static final Logger LOG = LoggerFactory.getLogger(InfluxMetricsPush.class);
  /** The status a push that got no answer is handed back with: the registry only logs it, and that logger is off. */
  static final int NO_ANSWER = 599;

  private final HttpSender delegate;
  private final String url;
  /** Why the last push failed; null while pushes work. */
  private volatile String failing;

  PushStateLog(HttpSender delegate, String url) {
    this.delegate = delegate;
    this.url = url;
  }

  static PushStateLog over(String url, Duration connectTimeout, Duration readTimeout) {
    return new PushStateLog(new HttpUrlConnectionSender(connectTimeout, readTimeout), url);
  }

  @Override
  public Response send(Request request) {
    Response response;
    try {
      response = delegate.send(request);
    } catch (Throwable e) {
      failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage());
      return new Response(NO_ANSWER, e.toString());
    }
    if (response.isSuccessful()) {
      if (failing != null) {
        failing = null;
        LOG.info("meters: pushing to InfluxDB at {} works again", url);
      }
    } else {
      failed("HTTP " + response.code() + ": " + Printable.oneLine(response.body()));
    }
    return response;
  }

  private void failed(String why) {
    if (failing == null) {
      LOG.warn("meters: pushing to InfluxDB at {} failed ({}); said again when it works", url, why);
    }
    failing = why;
  }

  /** Why pushes fail now; null while they work. */
  String failing() {
    return failing;
  }
}
