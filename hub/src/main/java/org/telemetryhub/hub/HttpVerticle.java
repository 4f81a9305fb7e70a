package org.telemetryhub.hub;

import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.api.ApiRoutes;
import org.telemetryhub.hub.edge.ConnectionGuard;
import org.telemetryhub.hub.process.FatalErrors;
import org.telemetryhub.hub.internals.ConnectionInternals;
import org.telemetryhub.hub.internals.UpgradeInternals;

/**
 * One HTTP server on one event loop; the hub deploys one per event loop, all on the same port.
 * Every connection passes the guard (limits and deadlines) before its requests are routed.
 */
final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final ApiRoutes routes;
  private final ConnectionGuard guard;
  private final HttpServerOptions options;
  private final WebSocketServerExtensionHandshaker compression;
  private HttpServer server;

  /** @param compression permessage-deflate as offered to subscribers, its inflation bounded */
  HttpVerticle(ApiRoutes routes, ConnectionGuard guard, HttpServerOptions options, WebSocketServerExtensionHandshaker compression) {
    this.routes = routes;
    this.guard = guard;
    this.options = options;
    this.compression = compression;
  }

  @Override
  public Future<?> start() {
    Handler<HttpServerRequest> handler = routes.requestHandler(vertx);
    server = vertx.createHttpServer(options)
        .connectionHandler(connection -> {
          guard.accepted(connection);
          UpgradeInternals.boundCompression(connection, compression);
        })
        // What fails on a connection before it is a WebSocket (Vert.x would only trace it): an
        // error the process cannot go on from ends it; the rest ends that connection alone.
        .exceptionHandler(FatalErrors::check)
        .requestHandler(request -> {
          if (guard.requestArrived(request)) {
            handler.handle(request);
          }
        });
    // Connections are counted and limited as they are accepted, before a TLS handshake they may never complete.
    return server.listen().compose(listening -> ConnectionInternals.watchAccepts(listening, options.isSsl(), guard::admit)
        .map(installed -> {
          if (!installed) {
            LOG.warn("connections are counted only once Vert.x has made them HTTP connections (after TLS): this Vert.x "
                + "does not let the hub see them at accept");
          }
          return listening;
        }));
  }

  /** Serves new connections with these certificates; open connections keep theirs. */
  Future<Boolean> updateSsl(ServerSSLOptions ssl) {
    return server.updateSSLOptions(ssl);
  }

  int actualPort() {
    return server.actualPort();
  }
}
