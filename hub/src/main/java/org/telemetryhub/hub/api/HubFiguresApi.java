package org.telemetryhub.hub.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.telemetryhub.hub.metrics.MicrometerHubMetrics;

/**
 * GET /api/hub: this hub's own figures as the web console shows them (connections, readings
 * stored, subscriber messages lost), read from the same meters as /metrics, so that a user
 * without Prometheus sees the numbers Prometheus would.
 */
final class HubFiguresApi {

  private final MeterRegistry meters;
  private final String node;
  private final long startedAt;

  HubFiguresApi(MeterRegistry meters, String node, long startedAt) {
    this.meters = meters;
    this.node = node;
    this.startedAt = startedAt;
  }

  void figures(RoutingContext ctx) {
    Json.send(ctx, 200, new JsonObject()
        .put("node", node)
        .put("startedAt", startedAt)
        .put("deviceConnections", (long) gauge(MicrometerHubMetrics.CONNECTIONS_ACTIVE))
        .put("subscriberConnections", (long) gauge(MicrometerHubMetrics.SUBSCRIBERS_ACTIVE))
        .put("readingsStored", (long) counter(MicrometerHubMetrics.READINGS_STORED))
        .put("subscriberMessagesLost", (long) counter(MicrometerHubMetrics.SUBSCRIBER_LOST)));
  }

  private double gauge(String name) {
    return Search.in(meters).name(name).gauges().stream().mapToDouble(g -> g.value()).sum();
  }

  /** The sum over every tag (subscriber losses are counted per policy). */
  private double counter(String name) {
    return Search.in(meters).name(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
