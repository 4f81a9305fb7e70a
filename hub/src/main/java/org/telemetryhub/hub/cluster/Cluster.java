package org.telemetryhub.hub.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.alerts.AlertEngine;
import org.telemetryhub.hub.alerts.AlertsView;
import org.telemetryhub.hub.auth.Revocations;
import org.telemetryhub.hub.config.TlsPolicy;
import org.telemetryhub.hub.liveness.DeviceDirectory;
import org.telemetryhub.hub.liveness.DeviceRegistry;
import org.telemetryhub.hub.liveness.FleetView;
import org.telemetryhub.hub.liveness.StatusListener;
import org.telemetryhub.hub.metrics.ClusterMeters;
import org.telemetryhub.hub.pubsub.Broker;
import org.telemetryhub.hub.pubsub.LocalBroker;

/**
 * This hub as one node of a cluster: Vert.x's clustered event bus with Hazelcast embedded for
 * membership, and the seams a cluster plugs into (a {@link Broker}, a {@link DeviceDirectory}, a
 * {@link FleetView} and an {@link AlertsView} that reach every node). Built in this order by the
 * composition root: {@link #join}, {@link #broker}, {@link #directory}, then {@link #start} before
 * the hub serves.
 */
public final class Cluster {

  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

  private final Vertx vertx;
  private final ClusterState state;
  private final ClusterMeters meters;
  private ClusterBroker broker;
  private ClusterDirectory directory;
  private ClusterFleet fleet;

  private Cluster(Vertx vertx, ClusterState state, ClusterMeters meters) {
    this.vertx = vertx;
    this.state = state;
    this.meters = meters;
  }

  /**
   * Starts Vert.x as a member of the cluster: Hazelcast joins the configured members and the event
   * bus listens on the cluster address. Blocks until joined (or failed).
   */
  public static Cluster join(VertxBuilder builder, VertxOptions options, ClusterOptions cluster, MeterRegistry registry)
      throws Exception {
    EventBusOptions bus = options.getEventBusOptions().setHost(cluster.host()).setPort(cluster.busPort());
    if (cluster.tls() != null) {
      // Mutual TLS: a node accepts a connection only from a holder of a certificate of the cluster's CA, and sends
      // only to one (Vert.x checks the CA, not host names: the certificate is what makes a node a member).
      bus.setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cluster.tls().certificate().toString())
              .setKeyPath(cluster.tls().key().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(cluster.tls().ca().toString()))
          .setClientAuth(ClientAuth.REQUIRED)
          .setEnabledSecureTransportProtocols(TlsPolicy.PROTOCOLS);
      TlsPolicy.CIPHER_SUITES.forEach(bus::addEnabledCipherSuite);
    } else {
      LOG.warn("cluster: the nodes talk WITHOUT TLS (--cluster-insecure): any host that reaches port {} or the event bus "
          + "can read every reading and act as a node; keep those ports on a network only the hubs reach", cluster.port());
    }
    HazelcastClusterManager manager = HazelcastSetup.clusterManager(cluster);
    Vertx vertx = builder.withClusterManager(manager).buildClustered()
        .toCompletionStage().toCompletableFuture().get();
    ClusterMeters meters = new ClusterMeters(registry);
    ClusterState state = new ClusterState(vertx, manager, cluster.nodeName());
    meters.registerNodes(() -> manager.isActive() ? state.peers().members().size() : 0);
    LOG.info("cluster: joined as node {} ({} nodes, cluster manager on {}:{}, event bus on {}, {})", cluster.nodeName(),
        manager.getNodes().size(), cluster.host(), cluster.port(), cluster.host(),
        cluster.tls() != null ? "mutual TLS" : "NO TLS");
    return new Cluster(vertx, state, meters);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Where readings, status changes and alerts go: this node's subscribers and, by interest, other nodes'. */
  public Broker broker(LocalBroker local) {
    broker = new ClusterBroker(local, state, meters);
    state.peers().addListener(broker);
    return broker;
  }

  /**
   * The device directory of this node, one connection per device across the cluster.
   *
   * @param localStatus    where this node tells its own subscribers of a lost node's devices
   * @param recordedStatus the same and the store, for the one node that records them for all
   */
  public DeviceDirectory directory(DeviceRegistry registry, AlertEngine alerts, Revocations revocations,
                                   StatusListener localStatus, StatusListener recordedStatus, Clock clock) {
    directory = new ClusterDirectory(vertx, registry, state, alerts, revocations, localStatus, recordedStatus, clock);
    fleet = new ClusterFleet(vertx, state, directory, alerts);
    state.peers().addListener(directory);
    state.own().revocations(revocations::all);
    revocations.listener(state.own()::revoked);
    return directory;
  }

  public FleetView fleet() {
    return fleet;
  }

  public AlertsView alerts() {
    return fleet;
  }

  /**
   * How this node answers another's commit barrier ({@link #barrier}): {@code local} is its own
   * store writer's barrier, completing on the given context. Call before {@link #start}.
   */
  public void commitBarrier(java.util.function.Function<io.vertx.core.Context, Future<Void>> local) {
    state.barriers().localBarrier(() -> local.apply(state.context()));
  }

  /**
   * Completes once every other node has seen this node's subscriptions made so far and committed
   * every reading it had taken by then (a subscriber resuming from the shared store reads after it).
   */
  public Future<Void> barrier() {
    return state.barriers().barrier();
  }

  /** Registers this node's consumers and learns the other nodes' state. Blocks; call before the hub serves. */
  public void start() throws Exception {
    Promise<Void> registered = Promise.promise();
    state.context().runOnContext(ignored -> {
      EventBus bus = vertx.eventBus();
      Future.all(
          bus.<Buffer>consumer(ClusterState.nodeAddress(state.nodeId(), ClusterBroker.MESSAGES), broker::onBatch).completion(),
          bus.<JsonObject>consumer(ClusterState.nodeAddress(state.nodeId(), ClusterFleet.DEVICES), fleet::onDevicesRequest)
              .completion(),
          bus.consumer(ClusterState.nodeAddress(state.nodeId(), ClusterFleet.ALERTS), fleet::onAlertsRequest).completion())
          .<Void>mapEmpty().onComplete(registered);
    });
    registered.future().compose(ignored -> state.start()).toCompletionStage().toCompletableFuture().get();
  }

  /**
   * Gets ready to leave (the caller then closes Vert.x, which leaves the cluster): stops the
   * announcements, and waits up to {@code timeout} until every message queued for another node
   * was answered and this node's last changes (its devices' disconnections) were sent.
   */
  public void prepareToLeave(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    state.stopAnnouncing().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    while (!broker.drained() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
