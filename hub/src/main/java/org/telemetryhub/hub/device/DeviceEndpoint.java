package org.telemetryhub.hub.device;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import org.telemetryhub.hub.address.DeviceIds;
import org.telemetryhub.hub.auth.Authenticator;
import org.telemetryhub.hub.auth.BearerToken;
import org.telemetryhub.hub.edge.UpgradeFlow;
import org.telemetryhub.hub.logging.ConnectionIds;
import org.telemetryhub.hub.logging.Refusal;

/**
 * {@code GET /ws/devices/{deviceId}}: checks the device id (400), then goes the upgrade way
 * (credentials, upgrade) and hands the socket to a {@link DeviceConnection}. Nothing is stored
 * from a request that fails a check. The device channel never negotiates compression: 16-byte
 * packets gain nothing from it.
 */
public final class DeviceEndpoint implements Handler<HttpServerRequest> {

  public static final String PATH_PREFIX = "/ws/devices/";

  private final DeviceChannel channel;
  private final Authenticator authenticator;
  private final UpgradeFlow upgrades;
  private final UpgradeFlow.Options options;

  public DeviceEndpoint(DeviceChannel channel, Authenticator authenticator, UpgradeFlow upgrades) {
    this.channel = channel;
    this.authenticator = authenticator;
    this.upgrades = upgrades;
    this.options = new UpgradeFlow.Options(false, channel.metrics::authRefused);
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
    upgrades.upgrade(request, connectionId, options, () -> authenticator.authenticate(BearerToken.of(request), deviceId),
        (ws, context, credentials) -> new DeviceConnection(channel, ws, context, connectionId, deviceId, credentials).start());
  }
}
