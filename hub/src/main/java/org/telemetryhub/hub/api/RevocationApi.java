package org.telemetryhub.hub.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.telemetryhub.hub.address.DeviceIds;
import org.telemetryhub.hub.auth.Revocations;
import org.telemetryhub.hub.liveness.DeviceDirectory;
import org.telemetryhub.hub.liveness.Session;
import org.telemetryhub.hub.logging.EventLog;

/**
 * POST /api/devices/{id}/revoke (role admin): the device's tokens issued until now are refused
 * from now on, and its open connection is closed with 1008; the device needs a new token.
 */
final class RevocationApi {

  private final DeviceDirectory registry;
  private final Revocations revocations;
  private final Clock clock;

  RevocationApi(DeviceDirectory registry, Revocations revocations, Clock clock) {
    this.registry = registry;
    this.revocations = revocations;
    this.clock = clock;
  }

  void revoke(RoutingContext ctx) {
    String device = ctx.pathParam("id");
    if (!DeviceIds.isValid(device)) {
      Json.error(ctx, 400, DeviceIds.RULE);
      return;
    }
    long now = clock.instant().getEpochSecond();
    ctx.vertx().executeBlocking(() -> {
      revocations.revoke(device, now);
      return null;
    }, false).onComplete(written -> {
      if (written.failed()) {
        Json.error(ctx, 500, "could not record the revocation: " + written.cause().getMessage());
        return;
      }
      Session session = registry.session(device);
      if (session != null) {
        session.closeRevoked();
      }
      EventLog.revoked(device, AccessHandler.of(ctx).name(), session != null);
      Json.send(ctx, 200, new JsonObject().put("device", device).put("revokedAt", now)
          .put("connectionClosed", session != null));
    });
  }
}
