package org.telemetryhub.hub.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.alerts.AlertEngine;
import org.telemetryhub.hub.alerts.AlertsView;
import org.telemetryhub.hub.liveness.DeviceDirectory;
import org.telemetryhub.hub.liveness.DeviceView;
import org.telemetryhub.hub.liveness.FleetView;

/**
 * The fleet and its alerts as every node of the cluster answers for them: each question goes to
 * every member (this node answers itself), and the answers are merged. A device held by several
 * nodes for a moment (a takeover under way) shows once: its newest connection wins, and among
 * offline views, the latest transition.
 */
final class ClusterFleet implements FleetView, AlertsView {

  static final String DEVICES = "devices";
  static final String ALERTS = "alerts";
  private static final long ANSWER_TIMEOUT_MILLIS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFleet.class);

  private final Vertx vertx;
  private final String nodeId;
  private final Peers peers;
  private final DeviceDirectory directory;
  private final AlertEngine alerts;

  ClusterFleet(Vertx vertx, ClusterState state, DeviceDirectory directory, AlertEngine alerts) {
    this.vertx = vertx;
    this.nodeId = state.nodeId();
    this.peers = state.peers();
    this.directory = directory;
    this.alerts = alerts;
  }

  // ---- answers for other nodes (state context) ----

  /** A request for this node's devices: all of them, or one ({@code {"device": id}}). */
  void onDevicesRequest(Message<JsonObject> request) {
    String device = request.body() == null ? null : request.body().getString("device");
    List<DeviceView> views = device == null ? directory.all() : directory.find(device).stream().toList();
    JsonArray answer = new JsonArray();
    views.forEach(view -> answer.add(DeviceViewJson.toJson(view)));
    request.reply(answer);
  }

  void onAlertsRequest(Message<Object> request) {
    request.reply(new JsonArray(new ArrayList<>(alerts.firing())));
  }

  // ---- questions to every node ----

  @Override
  public Future<List<DeviceView>> devices() {
    return askEveryNode(DEVICES, null, directory::all).map(ClusterFleet::merge);
  }

  @Override
  public Future<DeviceView> device(String deviceId) {
    JsonObject question = new JsonObject().put("device", deviceId);
    return askEveryNode(DEVICES, question, () -> directory.find(deviceId).stream().toList())
        .map(ClusterFleet::merge).map(views -> views.isEmpty() ? null : views.get(0));
  }

  @Override
  public Future<List<JsonObject>> firing() {
    List<String> others = others();
    List<Future<JsonArray>> answers = new ArrayList<>();
    for (String node : others) {
      answers.add(ask(node, ALERTS, null));
    }
    return Future.join(answers).transform(ignored -> {
      // One alert per device and rule: a device that moved is evaluated where it is now (the latest).
      Map<String, JsonObject> byKey = new HashMap<>();
      List<JsonObject> all = new ArrayList<>(alerts.firing());
      answers.stream().filter(Future::succeeded).forEach(answer -> answer.result().forEach(a -> all.add((JsonObject) a)));
      for (JsonObject alert : all) {
        byKey.merge(alert.getString("device") + "\n" + alert.getString("rule"), alert,
            (a, b) -> a.getLong("ts") >= b.getLong("ts") ? a : b);
      }
      List<JsonObject> firing = new ArrayList<>(byKey.values());
      firing.sort(Comparator.comparing((JsonObject j) -> j.getString("device")).thenComparing(j -> j.getString("rule")));
      return Future.succeededFuture(firing);
    });
  }

  private Future<List<List<DeviceView>>> askEveryNode(String purpose, JsonObject question,
                                                      Supplier<List<DeviceView>> here) {
    List<Future<JsonArray>> answers = new ArrayList<>();
    for (String node : others()) {
      answers.add(ask(node, purpose, question));
    }
    List<DeviceView> own = here.get();
    return Future.join(answers).transform(ignored -> {
      List<List<DeviceView>> all = new ArrayList<>();
      all.add(own);
      for (Future<JsonArray> answer : answers) {
        if (answer.succeeded()) {
          List<DeviceView> views = new ArrayList<>(answer.result().size());
          answer.result().forEach(json -> views.add(DeviceViewJson.fromJson((JsonObject) json)));
          all.add(views);
        }
      }
      return Future.succeededFuture(all);
    });
  }

  private List<String> others() {
    return peers.members().stream().filter(node -> !node.equals(nodeId)).toList();
  }

  private Future<JsonArray> ask(String node, String purpose, JsonObject question) {
    return vertx.eventBus().<JsonArray>request(ClusterState.nodeAddress(node, purpose), question,
            new DeliveryOptions().setSendTimeout(ANSWER_TIMEOUT_MILLIS))
        .map(Message::body)
        .onFailure(failure -> LOG.warn("cluster: node {} did not answer for its {}: {}", peers.nameOf(node), purpose,
            failure.getMessage()));
  }

  /** Every device once, ordered by id: the newest connection, else the latest transition. */
  static List<DeviceView> merge(List<List<DeviceView>> answers) {
    Map<String, DeviceView> byDevice = new HashMap<>();
    for (List<DeviceView> answer : answers) {
      for (DeviceView view : answer) {
        byDevice.merge(view.device(), view, ClusterFleet::preferred);
      }
    }
    List<DeviceView> merged = new ArrayList<>(byDevice.values());
    merged.sort(Comparator.comparing(DeviceView::device));
    return merged;
  }

  static DeviceView preferred(DeviceView a, DeviceView b) {
    if (a.connection() != null && b.connection() != null) {
      return a.connection().connectedAt() >= b.connection().connectedAt() ? a : b;
    }
    if (a.connection() != null || b.connection() != null) {
      return a.connection() != null ? a : b;
    }
    return a.since() >= b.since() ? a : b;
  }
}
