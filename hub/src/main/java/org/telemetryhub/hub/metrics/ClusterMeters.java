package org.telemetryhub.hub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.IntSupplier;

/**
 * What a cluster node measures of its traffic with the other nodes. The {@code node} tag is the
 * other node's name: its values are bounded by the nodes of the cluster, never by devices.
 */
public final class ClusterMeters {

  public static final String MESSAGES_SENT = "hub.cluster.messages.sent";
  public static final String MESSAGES_DROPPED = "hub.cluster.messages.dropped";
  public static final String MESSAGES_RECEIVED = "hub.cluster.messages.received";
  public static final String NODES = "hub.cluster.nodes";

  private final MeterRegistry registry;
  private final Counter received;

  public ClusterMeters(MeterRegistry registry) {
    this.registry = registry;
    this.received = Counter.builder(MESSAGES_RECEIVED)
        .description("Messages for this node's subscribers received from other nodes").register(registry);
  }

  /** Messages (readings, status changes, alerts) sent to the subscribers of another node. */
  public Counter sentTo(String node) {
    return Counter.builder(MESSAGES_SENT).tag("node", node)
        .description("Messages sent to another node for its subscribers").register(registry);
  }

  /** Messages for another node dropped because its queue here was full (the node reads too slowly or is gone). */
  public Counter droppedFor(String node) {
    return Counter.builder(MESSAGES_DROPPED).tag("node", node)
        .description("Messages for another node dropped: its bounded queue here was full").register(registry);
  }

  public Counter received() {
    return received;
  }

  public void registerNodes(IntSupplier nodes) {
    Gauge.builder(NODES, nodes::getAsInt).description("Nodes in the cluster, this one included").register(registry);
  }
}
