package org.telemetryhub.hub.alerts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The alerts firing now as the API shows them: on one hub, this hub's; in a cluster, every
 * node's. Answers come as futures: in a cluster the other nodes are asked.
 */
@FunctionalInterface
public interface AlertsView {

  /** What is firing now, ordered by device then rule (each as {@link AlertEvent#toJson()}). */
  Future<List<JsonObject>> firing();

  /** This hub's alerts only. */
  static AlertsView of(AlertEngine engine) {
    return () -> Future.succeededFuture(engine.firing());
  }
}
