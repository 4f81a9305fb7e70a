package org.telemetryhub.hub.pubsub;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.telemetryhub.hub.metrics.HubMetrics;

/** What every subscriber connection of one hub shares: the broker, the limits, the heartbeat timing, the open connections. */
public final class SubscriberChannel {

  /**
   * The limits of the subscriber channel as this hub applies them: connections, channels per
   * request and per connection, the published messages one subscriber may have waiting (by count
   * and by bytes) and the size of one request.
   */
  public record Limits(int maxSubscribers, int maxChannelsPerRequest, int maxSubscriptionsPerConnection, int queueCapacity,
                       long queueBytes, int maxRequestBytes) {
  }

  final Broker broker;
  final HubMetrics metrics;
  final Limits limits;
  final Duration heartbeatInterval;
  final Duration heartbeatTimeout;
  final Set<SubscriberConnection> open = ConcurrentHashMap.newKeySet();

  public SubscriberChannel(Broker broker, HubMetrics metrics, Limits limits, Duration heartbeatInterval,
                           Duration heartbeatTimeout) {
    this.broker = broker;
    this.metrics = metrics;
    this.limits = limits;
    this.heartbeatInterval = heartbeatInterval;
    this.heartbeatTimeout = heartbeatTimeout;
  }

  public int openConnections() {
    return open.size();
  }

  /** Closes every subscriber with 1001. */
  public Future<Void> closeAll() {
    return Future.join(open.stream().map(SubscriberConnection::closeForShutdown).toList()).mapEmpty();
  }
}
