package org.telemetryhub.hub.cluster;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.alerts.AlertEngine;
import org.telemetryhub.hub.auth.Revocations;
import org.telemetryhub.hub.liveness.DeviceDirectory;
import org.telemetryhub.hub.liveness.DeviceRegistry;
import org.telemetryhub.hub.liveness.DeviceState;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.liveness.DeviceView;
import org.telemetryhub.hub.liveness.Session;
import org.telemetryhub.hub.liveness.StatusListener;
import org.telemetryhub.hub.protocol.Reading;

/**
 * The {@link DeviceDirectory} of a cluster node: this node's {@link DeviceRegistry}, kept in step
 * with the other nodes so that a device has one connection in the whole cluster.
 *
 * <ul>
 *   <li>A device connecting here while another node holds it is taken over: online here without a
 *       transition; that node closes its connection with 4000 when it learns of this one.</li>
 *   <li>A device connecting elsewhere while this node holds it: the newer connection wins (on every
 *       node alike: the later, or on a tie the node with the greater id), this one closes with 4000.</li>
 *   <li>A node lost: its devices that did not reconnect elsewhere go offline with reason
 *       {@value #NODE_LOST}, told to this node's subscribers; one node records it in the store.</li>
 *   <li>A revocation made on any node is recorded on every node and closes the device's connection.</li>
 * </ul>
 */
final class ClusterDirectory implements DeviceDirectory, ClusterListener {

  static final String NODE_LOST = "node lost";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterDirectory.class);

  private final Vertx vertx;
  private final DeviceRegistry registry;
  private final ClusterState state;
  private final OwnState own;
  private final Peers peers;
  private final AlertEngine alerts;
  private final Revocations revocations;
  private final StatusListener localStatus;
  private final StatusListener recordedStatus;
  private final Clock clock;
  /** Devices offline because the node holding them was lost, until they connect again somewhere. */
  private final ConcurrentMap<String, DeviceView> lost = new ConcurrentHashMap<>();

  /**
   * @param localStatus    where a lost node's device transitions go on this node (its subscribers, its log)
   * @param recordedStatus where they go on the node that records them for all (the store's events too)
   */
  ClusterDirectory(Vertx vertx, DeviceRegistry registry, ClusterState state, AlertEngine alerts, Revocations revocations,
                   StatusListener localStatus, StatusListener recordedStatus, Clock clock) {
    this.vertx = vertx;
    this.registry = registry;
    this.state = state;
    this.own = state.own();
    this.peers = state.peers();
    this.alerts = alerts;
    this.revocations = revocations;
    this.localStatus = localStatus;
    this.recordedStatus = recordedStatus;
    this.clock = clock;
  }

  // ---- this node's connections ----

  @Override
  public Session connected(String deviceId, Session session) {
    boolean onlineElsewhere = peers.newestElsewhere(deviceId) != null;
    // The presence first: its change is queued on the state context before the flush that sends the
    // "online" below to other nodes' subscribers, so a node that tells a subscriber "online" knows
    // where the device is and marks it offline if this node is lost right after. (Only a flush to
    // that node already due can still carry the "online" first, by a moment.)
    own.deviceConnected(new Presence(deviceId, state.nodeId(), state.nodeName(), session.connectionId(),
        session.remoteAddress(), session.connectedAtMillis()));
    Session previous = onlineElsewhere ? registry.takenOver(deviceId, session) : registry.connected(deviceId, session);
    lost.remove(deviceId);
    return previous;
  }

  @Override
  public void packetsArrived(String deviceId, Session session, Reading lastReading) {
    registry.packetsArrived(deviceId, session, lastReading);
  }


  @Override
  public void disconnected(String deviceId, Session session, String reason) {
    registry.disconnected(deviceId, session, reason);
    own.deviceDisconnected(deviceId, session.connectionId());
  }

  /** The device's connection here, or its newest elsewhere (closing that one from here does nothing). */
  @Override
  public Session session(String deviceId) {
    Session here = registry.session(deviceId);
    return here != null ? here : peers.newestElsewhere(deviceId);
  }

  @Override
  public Optional<DeviceView> find(String deviceId) {
    Optional<DeviceView> here = registry.find(deviceId);
    return here.isPresent() ? here : Optional.ofNullable(lost.get(deviceId));
  }

  /** This node's devices and those it marked lost: its part of the fleet's view. */
  @Override
  public List<DeviceView> all() {
    List<DeviceView> views = new ArrayList<>(registry.all());
    for (DeviceView view : lost.values()) {
      if (registry.find(view.device()).isEmpty()) {
        views.add(view);
      }
    }
    views.sort(Comparator.comparing(DeviceView::device));
    return views;
  }

  @Override
  public int count(DeviceState deviceState) {
    return registry.count(deviceState);
  }

  // ---- the other nodes (state context) ----

  @Override
  public void devicePresent(Presence elsewhere) {
    lost.remove(elsewhere.device());
    Session here = registry.session(elsewhere.device());
    if (here != null && elsewhere.newerThan(here.connectedAtMillis(), state.nodeId())
        && registry.handOver(elsewhere.device(), here)) {
      alerts.forget(elsewhere.device());
      here.closeReplaced(elsewhere);
      own.deviceDisconnected(elsewhere.device(), here.connectionId());
    }
  }

  @Override
  public void nodeLeft(String nodeId, String nodeName, Collection<Presence> devicesHeld) {
    boolean recordForAll = peers.actsForAll();
    long now = clock.millis();
    int marked = 0;
    for (Presence presence : devicesHeld) {
      String device = presence.device();
      if (registry.session(device) != null || peers.newestElsewhere(device) != null) {
        continue; // reconnected already
      }
      DeviceStatus offline = new DeviceStatus(device, DeviceState.OFFLINE, now, NODE_LOST);
      lost.put(device, new DeviceView(device, DeviceState.OFFLINE, now, NODE_LOST, 0, null, null));
      (recordForAll ? recordedStatus : localStatus).onTransition(offline);
      marked++;
    }
    if (marked > 0) {
      LOG.info("cluster: {} devices of lost node {} marked offline", marked, nodeName);
    }
  }

  @Override
  public void revoked(String device, long epochSeconds) {
    if (revocations.revokedAt(device) >= epochSeconds) {
      return;
    }
    vertx.executeBlocking(() -> revocations.adopt(device, epochSeconds), false).onComplete(adopted -> {
      if (adopted.failed()) {
        LOG.error("cluster: could not record the revocation of {}: {}", device, adopted.cause().toString());
      }
      Session here = registry.session(device);
      if (here != null) {
        here.closeRevoked();
      }
    });
  }
}
