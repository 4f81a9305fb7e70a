package org.telemetryhub.hub.internals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the internals room ({@link ConnectionInternals}, {@link UpgradeInternals}, {@link WebSocketInternals},
 * {@link ContextInternals}, {@link ClientSocketInternals}) relies on, checked against the Vert.x in use on a real socket: when a
 * Vert.x upgrade changes one of them, this fails and names it, instead of the hub quietly falling
 * back (a lost safeguard, a lost optimisation, or connection counts that never come down).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class VertxInternalsIT {

  /**
   * Verifies that the hook at accept can be installed on a listening server and sees a socket that
   * never sends a byte, before Vert.x makes anything of it.
   */
  @Test
  void acceptedSocketsAreSeenBeforeAnythingIsRead(Vertx vertx) throws Exception {
    AtomicReference<String> seen = new AtomicReference<>();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response().end());
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    assertTrue(ConnectionInternals.watchAccepts(server, false, socket -> {
      seen.set(socket.remoteAddress());
      return true;
    }).await(10, TimeUnit.SECONDS), "the listening socket is no longer reachable (HttpServerImpl.tcpServer, "
        + "NetServerImpl.actualServer or .bindFuture): connections are counted only after TLS");
    try (java.net.Socket silent = new java.net.Socket("127.0.0.1", server.actualPort())) {
      org.telemetryhub.hub.testing.Poll.untilEquals("the accepted socket seen", java.time.Duration.ofSeconds(5), "127.0.0.1",
          seen::get);
    }
  }

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
          extensionHandler.set(base.channel().pipeline().get(UpgradeInternals.WEBSOCKET_EXTENSION_HANDLER) == null
              ? null : UpgradeInternals.WEBSOCKET_EXTENSION_HANDLER);
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
    assertEquals(UpgradeInternals.WEBSOCKET_EXTENSION_HANDLER, extensionHandler.get(),
        "the permessage-deflate handler is no longer named '" + UpgradeInternals.WEBSOCKET_EXTENSION_HANDLER
            + "': devices would negotiate compression");
    assertNotNull(WebSocketInternals.channelContext(ws),
        "ServerWebSocket is no longer a WebSocketInternal: no terminate without a close frame, no burst writes, no frame guard");
    Promise<Boolean> guarded = Promise.promise();
    context.get().runOnContext(ignored -> guarded.complete(WebSocketInternals.guardInboundFrames(ws, violation -> { })));
    assertTrue(guarded.future().await(10, TimeUnit.SECONDS),
        "the frame guard could not go before Vert.x's handler (named '" + WebSocketInternals.VERTX_HANDLER + "')");
    assertNotNull(WebSocketInternals.channelContext(ws).pipeline().get(WebSocketInternals.FRAME_GUARD));
    assertTrue(WebSocketInternals.burstWriter(ws).getClass().getSimpleName().startsWith("Pipeline"),
        "burst writes fell back to one flush per message");
    Promise<WebSocketInternals.Compaction> compaction = Promise.promise();
    context.get().runOnContext(ignored -> compaction.complete(WebSocketInternals.compact(ws)));
    WebSocketInternals.Compaction compacted = compaction.future().await(10, TimeUnit.SECONDS);
    assertTrue(compacted.upgradeReleased(),
        "VertxHandler.connectionFactory is gone: every WebSocket keeps its upgrade request and HTTP connection (about 6 KiB)");
    assertTrue(compacted.writeQueueCompacted(),
        "VertxConnection.outboundMessageQueue / OutboundMessageQueue.mqp / MessagePassingQueue.queue changed: every WebSocket"
            + " keeps a 4.7 KiB write queue");
    client.close();
  }

  /** After {@link VertxInternals#compact} the HTTP connection a socket was upgraded from can be collected. */
  @Test
  void aCompactedSocketLetsItsUpgradeRequestGo(Vertx vertx) throws Exception {
    Promise<WeakReference<HttpConnection>> upgradedFrom = Promise.promise();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      WeakReference<HttpConnection> connection = new WeakReference<>(request.connection());
      request.toWebSocket().onSuccess(ws -> {
        WebSocketInternals.compact(ws);
        upgradedFrom.complete(connection);
      });
    });
    int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/x"))
        .await(10, TimeUnit.SECONDS);
    WeakReference<HttpConnection> connection = upgradedFrom.future().await(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (connection.get() != null && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertNull(connection.get(), "the upgraded socket still holds its HTTP connection (upgrade request, headers, write queue)");
    assertFalse(socket.isClosed(), "the socket is still open");
    client.close();
  }

  /** Verifies that a socket's own (duplicated) context leads to its event loop's, which keys the heartbeat wheels. */
  @Test
  void aDuplicatedContextLeadsToItsEventLoop(Vertx vertx) {
    Context eventLoop = vertx.getOrCreateContext();
    Context duplicate = ((io.vertx.core.internal.ContextInternal) eventLoop).duplicate();
    assertTrue(duplicate != eventLoop);
    assertTrue(ContextInternals.eventLoopContext(duplicate) == eventLoop, "the duplicate does not unwrap to its event loop");
  }

  /**
   * Verifies what device-sim does to its client sockets: made deaf it stops reading (a message the
   * server sends meanwhile arrives only once it hears again), and dropped it ends without a close frame.
   */
  @Test
  void aClientSocketCanBeMadeDeafAndDropped(Vertx vertx) throws Exception {
    Promise<ServerWebSocket> upgraded = Promise.promise();
    Promise<Short> serverSawClose = Promise.promise();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.toWebSocket().onSuccess(ws -> {
      ws.closeHandler(ignored -> serverSawClose.tryComplete(ws.closeStatusCode()));
      upgraded.complete(ws);
    }));
    int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/x"))
        .await(10, TimeUnit.SECONDS);
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    socket.textMessageHandler(heard::add);
    ServerWebSocket ws = upgraded.future().await(10, TimeUnit.SECONDS);

    assertTrue(ClientSocketInternals.deaf(socket, true), "the client socket's channel is not reachable");
    ws.writeTextMessage("while deaf").await(10, TimeUnit.SECONDS);
    ws.writeTextMessage("marker").await(10, TimeUnit.SECONDS);
    Thread.sleep(300);
    assertEquals(List.of(), heard, "nothing is read while deaf");
    ClientSocketInternals.deaf(socket, false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (heard.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(List.of("while deaf", "marker"), heard);

    ClientSocketInternals.drop(socket);
    assertEquals((short) 1006, serverSawClose.future().await(10, TimeUnit.SECONDS), "dropped without a close frame");
    client.close();
  }

  /**
   * A compacted socket's write queue takes writes from any thread, far past the 16 a chunk of the
   * old queue would have held and while the event loop writes too: every frame arrives, each
   * writer's in its order.
   */
  @Test
  void aCompactedSocketTakesWritesFromEveryThreadInOrder(Vertx vertx) throws Exception {
    int writers = 4;
    int framesEach = 3_000;
    Promise<ServerWebSocket> upgraded = Promise.promise();
    AtomicReference<Context> loop = new AtomicReference<>();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.toWebSocket().onSuccess(ws -> {
      WebSocketInternals.compact(ws);
      loop.set(Vertx.currentContext());
      upgraded.complete(ws);
    }));
    int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    Map<Integer, List<Integer>> received = new ConcurrentHashMap<>();
    CountDownLatch all = new CountDownLatch((writers + 1) * framesEach);
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/x"))
        .await(10, TimeUnit.SECONDS);
    socket.textMessageHandler(text -> {
      String[] parts = text.split(":");
      received.computeIfAbsent(Integer.parseInt(parts[0]), writer -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
      all.countDown();
    });
    ServerWebSocket ws = upgraded.future().await(10, TimeUnit.SECONDS);
    ExecutorService threads = Executors.newFixedThreadPool(writers);
    try {
      for (int writer = 0; writer < writers; writer++) {
        int id = writer;
        threads.submit(() -> IntStream.range(0, framesEach).forEach(i -> ws.writeTextMessage(id + ":" + i)));
      }
      // and the event loop itself, meanwhile
      loop.get().runOnContext(ignored -> IntStream.range(0, framesEach).forEach(i -> ws.writeTextMessage(writers + ":" + i)));
      assertTrue(all.await(20, TimeUnit.SECONDS), "frames missing: " + all.getCount());
    } finally {
      threads.shutdownNow();
    }
    for (int writer = 0; writer <= writers; writer++) {
      assertEquals(IntStream.range(0, framesEach).boxed().toList(), received.get(writer), "writer " + writer + "'s frames in order");
    }
    client.close();
  }
}
