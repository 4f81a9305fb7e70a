package org.telemetryhub.hub;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.telemetryhub.hub.api.ApiRoutes;

/** One HTTP server on one event loop; the hub deploys one per event loop, all on the same port. */
final class HttpVerticle extends VerticleBase {

  private final ApiRoutes routes;
  private final HttpServerOptions options;
  private HttpServer server;

  HttpVerticle(ApiRoutes routes, HttpServerOptions options) {
    this.routes = routes;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(options).requestHandler(routes.requestHandler(vertx));
    return server.listen();
  }

  int actualPort() {
    return server.actualPort();
  }
}
