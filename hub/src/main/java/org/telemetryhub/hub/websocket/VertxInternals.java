package org.telemetryhub.hub.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Every use the hub makes of Vert.x internals (and of the Netty pipeline under them), in one
 * place, each with what happens when it is not available. VertxInternalsTest fails loudly when a
 * Vert.x upgrade breaks one of them.
 */
public final class VertxInternals {

  /** The name Vert.x gives Netty's WebSocket extension handler (permessage-deflate) in a pipeline. */
  static final String WEBSOCKET_EXTENSION_HANDLER = "webSocketExtensionHandler";
  /** The name Vert.x gives its own handler, the last one of a connection's pipeline. */
  static final String VERTX_HANDLER = "handler";

  private VertxInternals() {
  }

  /**
   * Answers a connection refused at accept with {@code status} and a JSON body, then closes it.
   * The response is written straight to the socket, past the HTTP encoder: no request has been
   * read, and none will be. Without access to the channel the connection is just closed.
   */
  public static void refuseConnection(HttpConnection connection, int status, String json) {
    if (!(connection instanceof ConnectionBase base)) {
      connection.close();
      return;
    }
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
    ChannelPipeline pipeline = base.channel().pipeline();
    pipeline.firstContext().writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Runs {@code action} once the connection's TCP socket has closed, whatever it became: Vert.x's
   * own close handler of an HTTP connection does not run once it was upgraded to a WebSocket.
   */
  public static void onTcpClose(HttpConnection connection, Runnable action) {
    if (connection instanceof ConnectionBase base) {
      base.channel().closeFuture().addListener(ignored -> action.run());
    } else {
      connection.closeHandler(ignored -> action.run());
    }
  }

  /** The socket's Netty context, or null when this Vert.x does not expose it. */
  public static ChannelHandlerContext channelContext(ServerWebSocket ws) {
    return ws instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
  }

  /**
   * Drops the TCP connection without a closing handshake (the peer sees 1006), as a heartbeat
   * timeout calls for. Closing the channel directly skips Vert.x's close handling, which would
   * send a close frame first. Without the channel, closes with 1011 as the nearest public means.
   */
  public static void terminate(ServerWebSocket ws) {
    ChannelHandlerContext context = channelContext(ws);
    if (context != null) {
      context.close();
    } else {
      ws.close(CloseReason.INTERNAL_ERROR, "heartbeat timeout");
    }
  }

  /**
   * Keeps the upgrade of {@code request} from negotiating permessage-deflate: the extension
   * handler would answer the client's offer in the 101 response; removed first, it answers
   * nothing. Without access to the pipeline, compression may be negotiated (still correct, only
   * slower).
   */
  public static void refuseCompression(HttpServerRequest request) {
    if (request.connection() instanceof ConnectionBase connection) {
      ChannelPipeline pipeline = connection.channel().pipeline();
      if (pipeline.get(WEBSOCKET_EXTENSION_HANDLER) != null) {
        pipeline.remove(WEBSOCKET_EXTENSION_HANDLER);
      }
    }
  }

  /**
   * Puts an {@link InboundFrameGuard} in front of Vert.x's handler: a frame the decoder refuses,
   * or one with reserved bits set, is reported to {@code onViolation} (which closes the socket
   * with its code) instead of dropping the connection; pings arriving while the socket is full get
   * no pong. Call on the socket's event loop, right after the upgrade. Returns false when it could
   * not: then decoder failures reach the socket's exception handler and the connection drops, and
   * reserved bits and pings are handled as Vert.x handles them.
   */
  public static boolean guardInboundFrames(ServerWebSocket ws, Consumer<CloseReason> onViolation) {
    ChannelHandlerContext context = channelContext(ws);
    if (context == null) {
      return false;
    }
    ChannelPipeline pipeline = context.pipeline();
    if (pipeline.get(VERTX_HANDLER) == null || pipeline.get(InboundFrameGuard.NAME) != null) {
      return pipeline.get(InboundFrameGuard.NAME) != null;
    }
    pipeline.addBefore(VERTX_HANDLER, InboundFrameGuard.NAME, new InboundFrameGuard(onViolation));
    return true;
  }
}
