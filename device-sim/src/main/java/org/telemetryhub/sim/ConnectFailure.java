package org.telemetryhub.sim;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.UnknownHostException;

/** Why a connection attempt failed, in the words a user can act on: refused, unknown host, or the hub's HTTP answer. */
final class ConnectFailure {

  private static final int MAX_REASON_CHARS = 200;

  private ConnectFailure() {
  }

  /** @param target the host:port the attempt went to */
  static String describe(Throwable failure, String target) {
    if (failure instanceof UpgradeRejectedException rejected) {
      return "HTTP " + rejected.getStatus() + reason(rejected);
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        return "connection refused by " + target + " (is a hub listening there?)";
      }
      if (cause instanceof UnknownHostException) {
        return "unknown host: " + cause.getMessage();
      }
    }
    return String.valueOf(failure.getMessage());
  }

  /** The hub answers a refused upgrade with {"error": why}; other servers with whatever they like. */
  private static String reason(UpgradeRejectedException rejected) {
    if (rejected.getBody() == null || rejected.getBody().length() == 0) {
      return "";
    }
    String body = rejected.getBody().toString();
    try {
      String error = new JsonObject(body).getString("error");
      if (error != null) {
        body = error;
      }
    } catch (DecodeException | ClassCastException notTheHubsJson) {
      // keep the body as it came
    }
    body = body.strip();
    return ": " + (body.length() > MAX_REASON_CHARS ? body.substring(0, MAX_REASON_CHARS) + "..." : body);
  }
}
