package org.telemetryhub.hub.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.telemetryhub.hub.address.DeviceIds;
import org.telemetryhub.hub.address.Echo;
import org.telemetryhub.hub.auth.Revocations;
import org.telemetryhub.hub.auth.TokenKind;
import org.telemetryhub.hub.liveness.DeviceDirectory;
import org.telemetryhub.hub.liveness.Session;
import org.telemetryhub.hub.logging.EventLog;

/**
 * POST /api/devices/{id}/revoke (role admin): the device's tokens issued until now are refused
 * from now on, and its open connection is closed with 1008; the device needs a new token.
 * POST /api/tokens/subscriber/{name}/revoke and /api/tokens/api/{name}/revoke do the same for the
 * tokens of a subscriber or api name: its open subscriber connections close with 1008, its
 * requests get 401.
 */
final class RevocationApi {

  /** Longest token name that can be revoked (names are the tokens' subjects). */
  private static final int MAX_NAME_CHARS = 256;

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
      EventLog.revoked("device", device, AccessHandler.of(ctx).name(), session != null);
      Json.send(ctx, 200, new JsonObject().put("device", device).put("revokedAt", now)
          .put("connectionClosed", session != null));
    });
  }

  /** {@code kind} is subscriber or api; {@code name} any name a token of that kind was issued for. */
  void revokeToken(RoutingContext ctx) {
    TokenKind kind = TokenKind.fromWire(ctx.pathParam("kind"));
    String name = ctx.pathParam("name");
    if (kind == null || kind == TokenKind.DEVICE) {
      Json.error(ctx, 400, "tokens are revoked by kind 'subscriber' or 'api' here (devices: POST /api/devices/{id}/revoke)");
      return;
    }
    if (name == null || name.isEmpty() || name.length() > MAX_NAME_CHARS) {
      Json.error(ctx, 400, "a token name is 1 to " + MAX_NAME_CHARS + " characters");
      return;
    }
    long now = clock.instant().getEpochSecond();
    ctx.vertx().executeBlocking(() -> {
      revocations.revoke(kind.revocationKey(name), now); // its open sessions end as it is recorded
      return null;
    }, false).onComplete(written -> {
      if (written.failed()) {
        Json.error(ctx, 500, "could not record the revocation: " + written.cause().getMessage());
        return;
      }
      EventLog.revoked(kind.wireName(), Echo.of(name), AccessHandler.of(ctx).name(), false);
      Json.send(ctx, 200, new JsonObject().put(kind.wireName(), name).put("revokedAt", now));
    });
  }
}
