package org.telemetryhub.hub.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.internal.ContextInternal;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.telemetryhub.hub.testing.Poll;

/**
 * The heartbeat wheels on real sockets: every socket pinged every interval by one timer per event
 * loop, a quiet socket dropped while the others on its wheel go on, no timer left once the sockets
 * are gone.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class HeartbeatsIT {

  private static final int SOCKETS = 30;
  private static final int BURST = 300;
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Opens a server whose sockets join {@code heartbeats}, and leave when closed; each socket that times out is counted and closed. */
  private int server(Vertx vertx, Heartbeats heartbeats, Set<Context> eventLoops, AtomicInteger timeouts) throws Exception {
    HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
      eventLoops.add(((ContextInternal) Vertx.currentContext()).unwrap());
      Heartbeat heartbeat = heartbeats.heartbeat(Vertx.currentContext(), ws, quietMillis -> {
        timeouts.incrementAndGet();
        ws.close();
      });
      ws.closeHandler(closed -> heartbeat.stop()); // as the hub's sockets do
      heartbeat.start();
    });
    return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
  }

  /** Opens {@link #SOCKETS} sockets a few milliseconds apart, each counting the pings it gets. */
  private List<WebSocket> open(WebSocketClient client, int port, Map<WebSocket, AtomicInteger> pings) throws Exception {
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/s" + i))
          .await(10, TimeUnit.SECONDS);
      AtomicInteger count = new AtomicInteger();
      pings.put(socket, count);
      socket.frameHandler(frame -> {
        if (frame.type() == WebSocketFrameType.PING) {
          count.incrementAndGet();
        }
      });
      sockets.add(socket);
      Thread.sleep(7);
    }
    return sockets;
  }

  @Test
  void everySocketIsPingedEveryIntervalByOneTimerPerEventLoop(Vertx vertx) throws Exception {
    Heartbeats heartbeats = new Heartbeats(Duration.ofMillis(200), Duration.ofSeconds(30));
    Set<Context> eventLoops = ConcurrentHashMap.newKeySet();
    AtomicInteger timeouts = new AtomicInteger();
    int port = server(vertx, heartbeats, eventLoops, timeouts);
    WebSocketClient client = vertx.createWebSocketClient();
    Map<WebSocket, AtomicInteger> pings = new ConcurrentHashMap<>();
    List<WebSocket> sockets = open(client, port, pings);
    Poll.until("every socket on a wheel", WAIT, () -> heartbeats.sockets() == SOCKETS);
    assertEquals(eventLoops.size(), heartbeats.runningTimers(), "one timer per event loop with sockets, whatever their number");

    Thread.sleep(1_600); // eight intervals
    for (WebSocket socket : sockets) {
      int count = pings.get(socket).get();
      assertTrue(count >= 4 && count <= 12, "pings in 1.6 s at one per 200 ms: " + count);
    }
    assertEquals(0, timeouts.get(), "sockets that answer are never dropped");

    sockets.forEach(WebSocket::close);
    Poll.until("every socket off its wheel", WAIT, () -> heartbeats.sockets() == 0);
    Poll.until("no timer left", WAIT, () -> heartbeats.runningTimers() == 0);
    client.close();
  }

  /**
   * Verifies that sockets that open a few milliseconds apart are pinged a few milliseconds apart, not in
   * bursts: with a wheel of 32 slots a 2 s interval ticks every 62 ms and 30 sockets opened 7 ms apart
   * shared about five slots, six to nine pings leaving in one event loop turn.
   */
  @Test
  void socketsOpenedOverTimeArePingedSpreadOverTheInterval(Vertx vertx) throws Exception {
    Heartbeats heartbeats = new Heartbeats(Duration.ofSeconds(2), Duration.ofSeconds(30));
    assertEquals(100, heartbeats.slots(), "one slot per 20 ms of the interval");
    int port = server(vertx, heartbeats, ConcurrentHashMap.newKeySet(), new AtomicInteger());
    WebSocketClient client = vertx.createWebSocketClient();
    List<WebSocket> sockets = open(client, port, new ConcurrentHashMap<>());
    Poll.until("every socket on a wheel", WAIT, () -> heartbeats.sockets() == SOCKETS);
    assertTrue(heartbeats.largestSlot() <= 4, "sockets in the fullest slot: " + heartbeats.largestSlot());
    sockets.forEach(WebSocket::close);
    client.close();
  }

  /** Sockets that open all at once (a fleet reconnecting) share the slots behind the hand rather than one slot. */
  @Test
  void socketsOpenedInOneBurstArePingedSpreadToo(Vertx vertx) throws Exception {
    Heartbeats heartbeats = new Heartbeats(Duration.ofSeconds(2), Duration.ofSeconds(30));
    int port = server(vertx, heartbeats, ConcurrentHashMap.newKeySet(), new AtomicInteger());
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(BURST));
    List<Future<WebSocket>> opening = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      opening.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/b" + i)));
    }
    Future.all(opening).await(20, TimeUnit.SECONDS);
    Poll.until("every socket on a wheel", WAIT, () -> heartbeats.sockets() == BURST);
    assertTrue(heartbeats.largestSlot() <= Heartbeats.MIN_SLOT_ROOM, "sockets in the fullest slot: " + heartbeats.largestSlot());
    client.close();
  }

  @Test
  void aQuietSocketIsDroppedWhileTheOthersOnItsWheelGoOn(Vertx vertx) throws Exception {
    Heartbeats heartbeats = new Heartbeats(Duration.ofMillis(100), Duration.ofMillis(500));
    AtomicInteger timeouts = new AtomicInteger();
    int port = server(vertx, heartbeats, ConcurrentHashMap.newKeySet(), timeouts);
    WebSocketClient client = vertx.createWebSocketClient();
    Map<WebSocket, AtomicInteger> pings = new ConcurrentHashMap<>();
    List<WebSocket> sockets = open(client, port, pings);
    WebSocket quiet = sockets.get(SOCKETS / 2);
    quiet.pause(); // reads nothing more: no pong goes back

    Poll.until("the quiet socket dropped", WAIT, () -> timeouts.get() == 1 && heartbeats.sockets() == SOCKETS - 1);
    Thread.sleep(1_000); // ten more intervals, two timeouts' worth
    assertEquals(1, timeouts.get(), "only the quiet socket was dropped");
    for (WebSocket socket : sockets) {
      if (socket != quiet) {
        assertTrue(!socket.isClosed(), "a socket that answers stays open");
      }
    }
    client.close();
  }
}
