package org.telemetryhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The reference server speaks the device protocol's ack: the connection's cumulative packet count, per frame. */
@ExtendWith(VertxExtension.class)
class ReferenceServerIT {

  @Test
  void acksEachFrameWithTheCumulativePacketCount(Vertx vertx) throws Exception {
    int port = ReferenceServer.deploy(vertx, 0, 2).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws/devices/d1"))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    BlockingQueue<String> acks = new LinkedBlockingQueue<>();
    ws.textMessageHandler(acks::add);

    ws.writeBinaryMessage(Buffer.buffer(new byte[3 * 16]));
    assertEquals("{\"ack\":3}", acks.poll(10, TimeUnit.SECONDS));
    ws.writeBinaryMessage(Buffer.buffer(new byte[2 * 16]));
    assertEquals("{\"ack\":5}", acks.poll(10, TimeUnit.SECONDS));
    client.close();
  }
}
