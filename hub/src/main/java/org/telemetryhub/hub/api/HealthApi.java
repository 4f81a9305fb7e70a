package org.telemetryhub.hub.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreWriter;

/**
 * GET /health/live: the process answers (always 200 while it serves). GET /health/ready (and
 * /health): 200 when the hub can store, 503 with the reason otherwise.
 */
final class HealthApi {

  private final ReadingStore store;
  private final StoreWriter writer;
  private final BooleanSupplier accepting;

  HealthApi(ReadingStore store, StoreWriter writer, BooleanSupplier accepting) {
    this.store = store;
    this.writer = writer;
    this.accepting = accepting;
  }

  void live(RoutingContext ctx) {
    Json.send(ctx, 200, new JsonObject().put("status", "up"));
  }

  void ready(RoutingContext ctx) {
    ctx.vertx().executeBlocking(store::unreachable, false).onComplete(reach -> answer(ctx,
        reach.succeeded() ? reach.result() : "reachability unknown: " + reach.cause().getMessage()));
  }

  private void answer(RoutingContext ctx, String unreachable) {
    String failure = writer.failure();
    JsonObject storeJson = new JsonObject()
        .put("backend", store.describe())
        .put("queuedReadings", writer.queuedReadings());
    String problem = null;
    if (!accepting.getAsBoolean()) {
      problem = "the hub is shutting down";
    } else if (unreachable != null) {
      problem = unreachable;
    } else if (failure != null) {
      problem = "store cannot write: " + failure;
    }
    storeJson.put("status", failure == null && unreachable == null ? "up" : "down");
    JsonObject body = new JsonObject().put("status", problem == null ? "up" : "down").put("store", storeJson);
    if (problem != null) {
      body.put("reason", problem);
    }
    Json.send(ctx, problem == null ? 200 : 503, body);
  }
}
