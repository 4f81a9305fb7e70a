package org.telemetryhub.hub.pubsub;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.telemetryhub.hub.websocket.VertxInternals;

/**
 * Writes already-encoded text messages to one subscriber socket, with one flush per burst.
 *
 * <p>Vert.x flushes every write made outside the socket's own read handler: one system call per
 * message, which under fan-out was a large share of the hub's CPU (JFR: {@code write0}). Here the
 * frames go into the socket's Netty pipeline and are flushed once, after the burst. They take the
 * same path as Vert.x's own writes (the WebSocket encoder, permessage-deflate when negotiated) and
 * fill the same outbound buffer, bounded by {@code setWriteQueueMaxSize}. Vert.x's drain handler
 * only fires for writes that went through its own queue, so a full socket is resumed by the
 * completion of an empty write queued behind the burst. Each frame wraps the shared bytes: a message
 * is encoded once for all sockets.
 * This is Vert.x-internal API ({@link VertxInternals#channelContext}); without it, writes go through the public
 * API, one flush each.
 */
final class FrameWriter {

  private final ServerWebSocket ws;
  private final ChannelHandlerContext pipeline;

  FrameWriter(ServerWebSocket ws) {
    this.ws = ws;
    this.pipeline = VertxInternals.channelContext(ws);
  }

  /** True while the socket holds as many bytes as it may: flush, and if still full, wait for {@link #whenDrained}. */
  boolean full() {
    return pipeline != null ? !pipeline.channel().isWritable() : ws.writeQueueFull();
  }

  /** Queues one text frame; it leaves at the next {@link #flush()}. Call on the socket's event loop. */
  void write(byte[] utf8) {
    if (pipeline != null) {
      pipeline.write(new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(utf8)), pipeline.voidPromise());
    } else {
      ws.writeFrame(textFrame(utf8));
    }
  }

  void flush() {
    if (pipeline != null) {
      pipeline.flush();
    }
  }

  /** Runs {@code resume} (on this socket's event loop) once everything written so far has left the buffer. */
  void whenDrained(Runnable resume) {
    if (pipeline != null) {
      pipeline.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ignored -> resume.run());
    } else {
      ws.drainHandler(ignored -> resume.run());
    }
  }

  private static WebSocketFrame textFrame(byte[] utf8) {
    return WebSocketFrame.textFrame(new String(utf8, StandardCharsets.UTF_8), true);
  }
}
