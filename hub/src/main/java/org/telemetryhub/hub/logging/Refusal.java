package org.telemetryhub.hub.logging;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/** Refuses a WebSocket upgrade before it happens: an HTTP status, a JSON {"error": ...} body, one event-log line. */
public final class Refusal {

  private Refusal() {
  }

  public static void refuse(HttpServerRequest request, String connectionId, int status, String why) {
    EventLog.refused(connectionId, String.valueOf(request.remoteAddress()), request.path(), status, why);
    respond(request, status, why);
  }

  /** Answers without a log line, for refusals an attacker can repeat at will (logged throttled by the caller). */
  public static void respond(HttpServerRequest request, int status, String why) {
    request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", why).encode());
  }
}
