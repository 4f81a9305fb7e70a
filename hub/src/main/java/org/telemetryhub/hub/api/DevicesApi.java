package org.telemetryhub.hub.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import org.telemetryhub.hub.address.Echo;
import org.telemetryhub.hub.address.Topics;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.liveness.DeviceView;
import org.telemetryhub.hub.liveness.FleetView;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.ReadingStore;

/**
 * GET /api/devices, /api/devices/{id} and /api/devices/{id}/readings. A subscriber token sees the
 * devices of which it is granted a channel, their last reading only with {@code readings/<id>},
 * their history likewise, and never their remote addresses.
 */
final class DevicesApi {

  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;
  static final long DEFAULT_WINDOW_SECONDS = 3600;

  private final FleetView fleet;
  private final ReadingStore store;
  private final Clock clock;

  DevicesApi(FleetView fleet, ReadingStore store, Clock clock) {
    this.fleet = fleet;
    this.store = store;
    this.clock = clock;
  }

  void list(RoutingContext ctx) {
    ApiAccess access = AccessHandler.of(ctx);
    fleet.devices().onComplete(answer -> {
      if (answer.failed()) {
        Json.error(ctx, 503, "devices unavailable: " + answer.cause().getMessage());
        return;
      }
      JsonArray devices = new JsonArray();
      for (DeviceView view : answer.result()) {
        if (access.mayDescribe(view.device())) {
          devices.add(Json.device(view, access));
        }
      }
      Json.send(ctx, 200, new JsonObject().put("devices", devices));
    });
  }

  void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    ApiAccess access = AccessHandler.of(ctx);
    if (!access.mayDescribe(id)) {
      Json.error(ctx, 403, "your token does not grant any channel of device '" + Echo.of(id) + "'");
      return;
    }
    fleet.device(id).onComplete(answer -> {
      if (answer.failed()) {
        Json.error(ctx, 503, "devices unavailable: " + answer.cause().getMessage());
      } else if (answer.result() == null) {
        Json.error(ctx, 404, "unknown device '" + Echo.of(id) + "'");
      } else {
        Json.send(ctx, 200, Json.device(answer.result(), access));
      }
    });
  }

  void readings(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!AccessHandler.of(ctx).mayRead(Topics.READINGS, id)) {
      Json.error(ctx, 403, "your token does not grant 'readings/" + Echo.of(id) + "'");
      return;
    }
    HistoryQuery query;
    try {
      query = HistoryQuery.from(ctx, clock.instant().getEpochSecond());
    } catch (IllegalArgumentException e) {
      Json.error(ctx, 400, e.getMessage());
      return;
    }
    fleet.device(id).map(view -> view != null).otherwise(false).compose(known -> ctx.vertx().executeBlocking(() -> {
      if (!known && !store.hasReadings(id)) {
        return null;
      }
      // One row more than asked tells whether the window held more than the limit.
      return store.query(id, query.from(), query.to(), query.limit() + 1);
    }, false)).onComplete(result -> {
      if (result.failed()) {
        Json.error(ctx, 503, "store unavailable: " + result.cause().getMessage());
      } else if (result.result() == null) {
        Json.error(ctx, 404, "unknown device '" + id + "'");
      } else {
        List<Reading> rows = result.result();
        boolean truncated = rows.size() > query.limit();
        JsonArray readings = new JsonArray();
        rows.stream().limit(query.limit()).forEach(reading -> readings.add(Json.reading(reading)));
        Json.send(ctx, 200, new JsonObject().put("device", id).put("readings", readings).put("truncated", truncated));
      }
    });
  }

  /** The validated parameters of one history request. */
  record HistoryQuery(long from, long to, int limit) {

    static HistoryQuery from(RoutingContext ctx, long nowEpochSeconds) {
      String toParam = ctx.queryParams().get("to");
      String fromParam = ctx.queryParams().get("from");
      String limitParam = ctx.queryParams().get("limit");
      long to = toParam == null ? nowEpochSeconds : TimeParameter.epochSeconds("to", toParam);
      long from = fromParam == null ? to - DEFAULT_WINDOW_SECONDS : TimeParameter.epochSeconds("from", fromParam);
      if (from > to) {
        throw new IllegalArgumentException("'from' (" + from + ") is after 'to' (" + to + ")");
      }
      int limit = DEFAULT_LIMIT;
      if (limitParam != null) {
        try {
          limit = Integer.parseInt(limitParam);
        } catch (NumberFormatException e) {
          limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
          throw new IllegalArgumentException("'limit' must be a whole number from 1 to " + MAX_LIMIT + ", not '" + limitParam + "'");
        }
      }
      return new HistoryQuery(from, to, limit);
    }
  }
}
