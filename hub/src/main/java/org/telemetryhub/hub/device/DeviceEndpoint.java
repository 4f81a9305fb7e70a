package org.telemetryhub.hub.device;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;
import org.telemetryhub.hub.auth.AuthException;
import org.telemetryhub.hub.auth.BearerToken;
import org.telemetryhub.hub.auth.Authenticator;
import org.telemetryhub.hub.limits.ConnectionGuard;
import org.telemetryhub.hub.logging.ConnectionIds;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.logging.Refusal;
import org.telemetryhub.hub.websocket.VertxInternals;

/**
 * {@code GET /ws/devices/{deviceId}}: checks the device id (400), then the credentials (401),
 * then upgrades to WebSocket and hands the socket to a {@link DeviceConnection}. Nothing is
 * stored from a request that fails a check.
 */
public final class DeviceEndpoint implements Handler<HttpServerRequest> {

  public static final String PATH_PREFIX = "/ws/devices/";

  private final DeviceChannel channel;
  private final Authenticator authenticator;
  private final ConnectionGuard guard;
  private final BooleanSupplier accepting;

  /** @param accepting false while the hub is stopping: new devices get 503 */
  public DeviceEndpoint(DeviceChannel channel, Authenticator authenticator, ConnectionGuard guard, BooleanSupplier accepting) {
    this.channel = channel;
    this.authenticator = authenticator;
    this.guard = guard;
    this.accepting = accepting;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String connectionId = ConnectionIds.next();
    // The raw path, not a decoded one: "%20" or a "/" in the id must fail the rule, not slip through it.
    String deviceId = request.path().substring(PATH_PREFIX.length());
    if (!DeviceIds.isValid(deviceId)) {
      Refusal.refuse(request, connectionId, 400, DeviceIds.RULE);
      return;
    }
    if (!accepting.getAsBoolean()) {
      Refusal.refuse(request, connectionId, 503, "the hub is shutting down");
      return;
    }
    request.pause();
    authenticator.authenticate(BearerToken.of(request), deviceId).onComplete(result -> {
      if (result.failed()) {
        channel.metrics.authRefused();
        String why = result.cause() instanceof AuthException ? result.cause().getMessage() : "credentials could not be checked";
        Refusal.refuse(request, connectionId, 401, why);
      } else if (!request.canUpgradeToWebSocket()) {
        Refusal.refuse(request, connectionId, 400, "expected a WebSocket upgrade request");
      } else {
        VertxInternals.refuseCompression(request);
        request.toWebSocket()
            .onSuccess(ws -> {
              guard.upgraded(request);
              new DeviceConnection(channel, ws, io.vertx.core.Vertx.currentContext(), connectionId, deviceId).start();
            })
            .onFailure(e -> EventLog.refused(connectionId, remote(request), request.path(), 400, "upgrade failed: " + e.getMessage()));
      }
    });
  }

  private static String remote(HttpServerRequest request) {
    return String.valueOf(request.remoteAddress());
  }
}
