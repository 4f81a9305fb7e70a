package org.telemetryhub.hub.cluster;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.address.Topics;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.metrics.ClusterMeters;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.pubsub.Published;
import org.telemetryhub.hub.pubsub.Broker;
import org.telemetryhub.hub.pubsub.LocalBroker;
import org.telemetryhub.hub.pubsub.Messages;
import org.telemetryhub.hub.pubsub.Subscriber;
import org.telemetryhub.hub.pubsub.TopicTrie;

/**
 * The {@link Broker} of a cluster node: this node's subscribers through its {@link LocalBroker},
 * other nodes' subscribers by interest. Each node knows the filters the other nodes' subscribers
 * hold (from {@link Peers}); a message goes to another node only when one of its filters
 * matches, once per node however many of its subscribers match, and that node hands it to its
 * own subscribers.
 */
final class ClusterBroker implements Broker, ClusterListener {

  static final String MESSAGES = "messages";

  private final LocalBroker local;
  private final Context context;
  private final OwnState own;
  private final Peers peers;
  private final ClusterMeters meters;
  /** Other nodes' filters, each held by the id of the node whose subscribers hold it. */
  private final TopicTrie<String> interest = new TopicTrie<>();
  private final ConcurrentMap<String, PeerLink> links = new ConcurrentHashMap<>();

  ClusterBroker(LocalBroker local, ClusterState state, ClusterMeters meters) {
    this.local = local;
    this.context = state.context();
    this.own = state.own();
    this.peers = state.peers();
    this.meters = meters;
  }

  /** Receives the batches other nodes send this node's subscribers; on the state context. */
  void onBatch(Message<Buffer> batch) {
    int count = MessageBatch.forEach(batch.body(), entry -> local.deliver(entry.kind(), entry.device(), entry.ts(), entry.message()));
    meters.received().increment(count);
    batch.reply(null);
  }

  @Override
  public void publish(Reading reading) {
    route(Topics.READINGS, reading.device(), reading.ts(), reading, Messages::reading);
  }

  @Override
  public void publish(DeviceStatus status) {
    route(Topics.STATUS, status.device(), Published.NO_TS, status, Messages::status);
  }

  @Override
  public void publish(AlertEvent alert) {
    route(Topics.ALERTS, alert.device(), Published.NO_TS, alert, Messages::alert);
  }

  /** Encodes the message once, if anyone anywhere receives it, and gives it to this node's recipients and other nodes'. */
  private <T> void route(String kind, String device, long ts, T event, Function<T, byte[]> encode) {
    List<Subscriber> recipients = local.recipients(kind, device);
    List<String> nodes = interest.match(kind, device);
    if (recipients.isEmpty() && nodes.isEmpty()) {
      return;
    }
    Published message = Published.of(kind, device, ts, encode.apply(event));
    if (!recipients.isEmpty()) {
      LocalBroker.deliver(recipients, message);
    }
    if (nodes.size() == 1) {
      link(nodes.get(0)).add(message);
    } else if (!nodes.isEmpty()) {
      List<String> once = new ArrayList<>(nodes.size());
      for (String node : nodes) {
        if (!once.contains(node)) {
          once.add(node);
          link(node).add(message);
        }
      }
    }
  }

  private PeerLink link(String nodeId) {
    return links.computeIfAbsent(nodeId, id -> {
      String name = peers.nameOf(id);
      return new PeerLink(context.owner().eventBus(), context, ClusterState.nodeAddress(id, MESSAGES),
          name, meters.sentTo(name), meters.droppedFor(name));
    });
  }

  @Override
  public void subscribe(Subscriber subscriber, TopicFilter filter) {
    local.subscribe(subscriber, filter);
    own.filterAdded(filter.text());
  }

  @Override
  public void unsubscribe(Subscriber subscriber, TopicFilter filter) {
    local.unsubscribe(subscriber, filter);
    own.filterRemoved(filter.text());
  }

  // ---- what the other nodes hold ----

  @Override
  public void nodeKnown(String nodeId, String nodeName) {
    link(nodeId); // its meters show from now on, at 0 while nobody there subscribes
  }

  @Override
  public void filterAdded(String nodeId, String filter) {
    interest.add(TopicFilter.parse(filter), nodeId);
  }

  @Override
  public void filterRemoved(String nodeId, String filter) {
    interest.remove(TopicFilter.parse(filter), nodeId);
  }

  @Override
  public void nodeLeft(String nodeId, String nodeName, Collection<Presence> devicesHeld) {
    PeerLink link = links.remove(nodeId);
    if (link != null) {
      link.close();
    }
  }

  /** Whether every message queued for another node has been answered (for a graceful leave). */
  boolean drained() {
    return links.values().stream().allMatch(PeerLink::idle);
  }
}
