package org.telemetryhub.hub.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@link VertxInternals} relies on, checked against the Vert.x in use on a real socket: when a
 * Vert.x upgrade changes one of them, this fails and names it, instead of the hub quietly falling
 * back (a lost safeguard, a lost optimisation, or connection counts that never come down).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class VertxInternalsIT {

  /** Verifies each internal the hub uses on an upgraded socket and on its HTTP connection. */
  @Test
  void theInternalsTheHubUsesAreThere(Vertx vertx) throws Exception {
    AtomicReference<HttpConnection> connection = new AtomicReference<>();
    AtomicReference<String> extensionHandler = new AtomicReference<>();
    Promise<ServerWebSocket> upgraded = Promise.promise();
    AtomicReference<Context> context = new AtomicReference<>();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPerMessageWebSocketCompressionSupported(true))
        .connectionHandler(connection::set)
        .requestHandler(request -> {
          ConnectionBase base = (ConnectionBase) request.connection();
          extensionHandler.set(base.channel().pipeline().get(VertxInternals.WEBSOCKET_EXTENSION_HANDLER) == null
              ? null : VertxInternals.WEBSOCKET_EXTENSION_HANDLER);
          context.set(Vertx.currentContext());
          request.toWebSocket().onComplete(upgraded);
        });
    int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    // Held in a variable: Vert.x closes a client, and its sockets, once nothing refers to it.
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setTryUsePerMessageCompression(true));
    client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/x"))
        .await(10, TimeUnit.SECONDS);
    ServerWebSocket ws = upgraded.future().await(10, TimeUnit.SECONDS);

    assertTrue(connection.get() instanceof ConnectionBase,
        "HttpConnection is no longer a ConnectionBase: refuseConnection and onTcpClose fall back (connection limits leak)");
    assertEquals(VertxInternals.WEBSOCKET_EXTENSION_HANDLER, extensionHandler.get(),
        "the permessage-deflate handler is no longer named '" + VertxInternals.WEBSOCKET_EXTENSION_HANDLER
            + "': devices would negotiate compression");
    assertNotNull(VertxInternals.channelContext(ws),
        "ServerWebSocket is no longer a WebSocketInternal: no terminate without a close frame, no burst writes, no frame guard");
    Promise<Boolean> guarded = Promise.promise();
    context.get().runOnContext(ignored -> guarded.complete(VertxInternals.guardInboundFrames(ws, violation -> { })));
    assertTrue(guarded.future().await(10, TimeUnit.SECONDS),
        "the frame guard could not go before Vert.x's handler (named '" + VertxInternals.VERTX_HANDLER + "')");
    assertNotNull(VertxInternals.channelContext(ws).pipeline().get(VertxInternals.FRAME_GUARD));
    assertTrue(VertxInternals.burstWriter(ws).getClass().getSimpleName().startsWith("Pipeline"),
        "burst writes fell back to one flush per message");
    client.close();
  }
}
