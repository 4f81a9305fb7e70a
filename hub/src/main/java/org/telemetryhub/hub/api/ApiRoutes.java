package org.telemetryhub.hub.api;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.telemetryhub.hub.address.Topics;
import org.telemetryhub.hub.alerts.AlertsView;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.auth.Authenticator;
import org.telemetryhub.hub.auth.Revocations;
import org.telemetryhub.hub.device.DeviceEndpoint;
import org.telemetryhub.hub.edge.UpgradeGate;
import org.telemetryhub.hub.liveness.DeviceDirectory;
import org.telemetryhub.hub.liveness.FleetView;
import org.telemetryhub.hub.metrics.PrometheusEndpoint;
import org.telemetryhub.hub.pubsub.SubscriberEndpoint;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreWriter;

/**
 * Every HTTP route of the hub, the WebSocket upgrades among them. {@code /api/...} needs an api
 * token (or a subscriber token, for the devices it covers); {@code /health/live},
 * {@code /health/ready} ({@code /health}) are open, and so is {@code /metrics} unless
 * {@code --metrics-auth}. The web console's files ({@code /}, from the jar) are open too: they
 * hold nothing but code, and every figure they show comes from the API with the user's token.
 */
public final class ApiRoutes {

  // Resource paths that no working directory is likely to hold: Vert.x looks there before the jar.
  private static final String CONSOLE_FILES = "org/telemetryhub/hub/console";
  /** The route label of device upgrades in the HTTP meters: one value, not one per device. */
  private static final String DEVICE_ROUTE = DeviceEndpoint.PATH_PREFIX + ":id";
  private static final String UPLOT_FILES = "META-INF/resources/webjars/uplot/1.6.30/dist";

  private final DevicesApi devices;
  private final HealthApi health;
  private final PrometheusEndpoint prometheus;
  private final DeviceEndpoint deviceEndpoint;
  private final SubscriberEndpoint subscriberEndpoint;
  private final AlertsView alerts;
  private final UpgradeGate upgradeGate;
  private final RevocationApi revocation;
  private final Authenticator authenticator;
  private final boolean metricsAuth;
  private final HubFiguresApi figures;

  public ApiRoutes(FleetView fleet, DeviceDirectory directory, ReadingStore store, StoreWriter writer,
                   PrometheusEndpoint prometheus, AlertsView alerts, DeviceEndpoint deviceEndpoint, SubscriberEndpoint subscriberEndpoint,
                   UpgradeGate upgradeGate, Authenticator authenticator, Revocations revocations, boolean metricsAuth,
                   BooleanSupplier accepting, Clock clock, String node) {
    this.devices = new DevicesApi(fleet, store, clock);
    this.revocation = new RevocationApi(directory, revocations, clock);
    this.authenticator = authenticator;
    this.metricsAuth = metricsAuth;
    this.health = new HealthApi(store, writer, accepting);
    this.figures = new HubFiguresApi(prometheus.registry(), node, clock.millis());
    this.prometheus = prometheus;
    this.deviceEndpoint = deviceEndpoint;
    this.subscriberEndpoint = subscriberEndpoint;
    this.alerts = alerts;
    this.upgradeGate = upgradeGate;
  }

  /**
   * The handler of every request. WebSocket upgrades bypass the router: it would wrap the socket
   * (hiding what a heartbeat timeout needs to terminate it), and the device path is the hot one.
   */
  public Handler<HttpServerRequest> requestHandler(Vertx vertx) {
    Router router = router(vertx);
    return request -> {
      if (request.path().startsWith(DeviceEndpoint.PATH_PREFIX) && request.method() == HttpMethod.GET) {
        request.routed(DEVICE_ROUTE);
        if (upgradeGate.admit(request)) {
          deviceEndpoint.handle(request);
        }
      } else if (request.path().equals(SubscriberEndpoint.PATH) && request.method() == HttpMethod.GET) {
        request.routed(SubscriberEndpoint.PATH);
        if (upgradeGate.admit(request)) {
          subscriberEndpoint.handle(request);
        }
      } else {
        router.handle(request);
      }
    };
  }

  /** The alerts firing now, those of the devices the token may read alerts of. */
  private void alerts(RoutingContext ctx) {
    ApiAccess access = AccessHandler.of(ctx);
    alerts.firing().onComplete(answer -> {
      if (answer.failed()) {
        Json.error(ctx, 503, "alerts unavailable: " + answer.cause().getMessage());
        return;
      }
      JsonArray firing = new JsonArray();
      for (JsonObject alert : answer.result()) {
        if (access.mayRead(Topics.ALERTS, alert.getString("device"))) {
          firing.add(alert);
        }
      }
      Json.send(ctx, 200, new JsonObject().put("alerts", firing));
    });
  }

  private Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route("/api/*").handler(new AccessHandler(authenticator, AccessHandler.Need.ANY));
    router.get("/api/devices").handler(devices::list);
    router.get("/api/devices/:id").handler(devices::one);
    router.get("/api/devices/:id/readings").handler(devices::readings);
    router.post("/api/devices/:id/revoke").handler(revocation::revoke);
    router.post("/api/tokens/:kind/:name/revoke").handler(revocation::revokeToken);
    router.get("/api/alerts").handler(this::alerts);
    router.get("/api/hub").handler(figures::figures);
    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);
    router.get("/health").handler(health::ready);
    if (metricsAuth) {
      router.get("/metrics").handler(new AccessHandler(authenticator, AccessHandler.Need.API_TOKEN));
    }
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", PrometheusEndpoint.CONTENT_TYPE)
        .end(prometheus.scrape()));
    // uPlot, the console's charts, from its webjar; the console itself from the jar's console/.
    router.get("/vendor/uplot/*").handler(StaticHandler.create(UPLOT_FILES));
    router.get("/*").handler(StaticHandler.create(CONSOLE_FILES).setIndexPage("index.html"));
    router.errorHandler(404, ctx -> Json.error(ctx, 404, "no such resource: " + ctx.request().path()));
    router.errorHandler(405, ctx -> Json.error(ctx, 405, "method not allowed on " + ctx.request().path()));
    router.errorHandler(500, ctx -> Json.error(ctx, 500, "internal error"));
    return router;
  }
}
