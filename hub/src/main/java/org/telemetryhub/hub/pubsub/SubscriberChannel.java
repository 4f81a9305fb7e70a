package org.telemetryhub.hub.pubsub;

import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.telemetryhub.hub.liveness.FleetView;
import org.telemetryhub.hub.metrics.HubMetrics;
import org.telemetryhub.hub.websocket.Heartbeats;
import org.telemetryhub.hub.websocket.HubWebSocket;

/**
 * What every subscriber connection of one hub shares: the broker, the fleet's devices (for
 * retained messages), the replay from the store (resume), the request protocol, the limits, the socket settings, the open connections.
 */
public final class SubscriberChannel {

  final Broker broker;
  final FleetView fleet;
  final StoreReplay replay;
  final HubMetrics metrics;
  final SubscriberOptions limits;
  final SubscriberProtocol protocol;
  final HubWebSocket.Settings socketSettings;
  final Set<SubscriberConnection> open = ConcurrentHashMap.newKeySet();
  final SubscriberSlots slots;

  public SubscriberChannel(Broker broker, FleetView fleet, StoreReplay replay, HubMetrics metrics, SubscriberOptions limits,
                           Heartbeats heartbeats) {
    this.broker = broker;
    this.fleet = fleet;
    this.replay = replay;
    this.metrics = metrics;
    this.limits = limits;
    this.protocol = new SubscriberProtocol(limits.maxChannelsPerRequest(), limits.maxSubscriptionsPerConnection());
    this.slots = new SubscriberSlots(limits.maxSubscribers(), limits.maxSubscribersPerToken());
    this.socketSettings = new HubWebSocket.Settings(heartbeats,
        limits.maxRequestBytes(), "request", "messages");
  }

  public int openConnections() {
    return open.size();
  }

  /** Ends the sessions whose token was signed by a secret not among {@code accepted}. */
  public void endSessionsOfRetiredSecrets(Set<String> accepted) {
    open.forEach(connection -> connection.endIfSecretRetired(accepted));
  }

  /** Ends the sessions of the subscriber or api tokens revoked under {@code key} (see TokenKind.revocationKey). */
  public void endRevokedSessions(String key) {
    open.forEach(connection -> connection.endIfRevoked(key));
  }

  /** Closes every subscriber with 1001. */
  public Future<Void> closeAll() {
    return Future.join(open.stream().map(SubscriberConnection::closeForShutdown).toList()).mapEmpty();
  }
}
