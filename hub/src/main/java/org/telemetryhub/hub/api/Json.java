package org.telemetryhub.hub.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.telemetryhub.hub.address.Topics;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.liveness.DeviceView;
import org.telemetryhub.hub.protocol.Reading;

/** The JSON shapes of the HTTP API (README.md and docs/security.md) and the helpers that send them. */
final class Json {

  private Json() {
  }

  static JsonObject reading(Reading reading) {
    // Floats go out as floats: 21.3f prints as 21.3, the value the device sent, not as 21.299999237060547.
    return new JsonObject()
        .put("ts", reading.ts())
        .put("temperature", reading.temperature())
        .put("humidity", reading.humidity())
        .put("pressure", reading.pressure());
  }

  /** A device as {@code access} may see it: the last reading only with its readings channel, the address only for api tokens. */
  static JsonObject device(DeviceView view, ApiAccess access) {
    boolean readings = access.mayRead(Topics.READINGS, view.device());
    JsonObject json = new JsonObject()
        .put("device", view.device())
        .put("state", view.state().wireName())
        .put("since", view.since())
        .put("reason", view.reason())
        .put("lastSeen", view.lastSeen() == 0 ? null : view.lastSeen())
        .put("lastReading", view.lastReading() == null || !readings ? null : reading(view.lastReading()));
    DeviceView.Connection connection = view.connection();
    JsonObject connectionJson = null;
    if (connection != null) {
      connectionJson = new JsonObject().put("id", connection.id()).put("connectedAt", connection.connectedAt());
      if (access.readsEverything()) {
        connectionJson.put("remoteAddress", connection.remoteAddress());
      }
    }
    return json.put("node", view.node()).put("connection", connectionJson);
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String message) {
    send(ctx, status, new JsonObject().put("error", message));
  }
}
