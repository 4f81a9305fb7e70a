package org.telemetryhub.hub.internals;

import java.util.concurrent.TimeUnit;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.net.impl.VertxConnection;
import java.lang.reflect.Field;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.concurrent.OutboundMessageQueue;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.core.streams.impl.MessagePassingQueue;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The Vert.x and Netty internals the hub uses on an open WebSocket: its channel, a close without
 * a closing handshake, a guard in front of Vert.x's frame handling, the decoder's failures, burst
 * writes, and the memory a socket keeps for nothing. Each says what happens when it is not
 * available. VertxInternalsIT fails loudly when a Vert.x upgrade breaks one.
 */
public final class WebSocketInternals {

  /** The name Vert.x gives its own handler, the last one of a connection's pipeline. */
  public static final String VERTX_HANDLER = "handler";
  public static final String FRAME_GUARD = "hub-inbound-frame-guard";

  /** The private fields {@link #compact} sets, looked up once; null when this Vert.x has no such field. */
  private static final Field HANDLER_CONNECTION_FACTORY = Reflection.field(VertxHandler.class, "connectionFactory");
  private static final Field CONNECTION_WRITE_QUEUE = Reflection.field(VertxConnection.class, "outboundMessageQueue");
  private static final Field WRITE_QUEUE_MESSAGES = Reflection.field(OutboundMessageQueue.class, "mqp");
  private static final Field MESSAGES_QUEUE = Reflection.field(MessagePassingQueue.class, "queue");

  private WebSocketInternals() {
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
      ws.close((short) 1011, "heartbeat timeout"); // internal error: the nearest public means
    }
  }

  /**
   * Fails the connection (RFC 6455 section 7.1.7): sends the close frame and ends the hub's side of
   * the TCP connection (FIN) as soon as it is written, without waiting for the peer's answer:
   * after a frame the decoder refused it discards everything that follows, the peer's close too,
   * so a closing handshake would only wait out the closing timeout. The connection closes when the
   * peer closes its side, or after {@code lingerMillis}; until then what the peer still sends is
   * read and dropped, so that closing does not reset the connection (a reset can destroy the close
   * frame before the peer reads it). Without the pipeline, an ordinary close.
   */
  public static void failConnection(ServerWebSocket ws, short code, String reason, long lingerMillis) {
    ChannelHandlerContext context = channelContext(ws);
    if (context == null) {
      ws.close(code, reason);
      return;
    }
    // Closed from Vert.x's handler down, as terminate does: the channel's own close would pass
    // through Vert.x, which answers it with a closing handshake of its own (a second close frame, 1000).
    context.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(written -> {
      if (written.isSuccess() && context.channel() instanceof DuplexChannel duplex) {
        duplex.shutdownOutput();
        context.channel().config().setAutoRead(true);
        context.executor().schedule(() -> context.close(), lingerMillis, TimeUnit.MILLISECONDS);
      } else {
        context.close();
      }
    });
  }

  /**
   * Puts an {@link InboundFrameGuard} in front of Vert.x's handler: a frame the decoder refuses,
   * or one with reserved bits set, is reported to {@code onViolation} (which closes the socket
   * with its code) instead of dropping the connection; pings arriving while the socket is full get
   * no pong. Call on the socket's event loop, right after the upgrade. Returns false when it could
   * not: then decoder failures reach the socket's exception handler ({@link #decoderFailure}) and
   * the connection drops, and reserved bits and pings are handled as Vert.x handles them.
   */
  public static boolean guardInboundFrames(ServerWebSocket ws, Consumer<FrameFault> onViolation) {
    ChannelHandlerContext context = channelContext(ws);
    if (context == null) {
      return false;
    }
    ChannelPipeline pipeline = context.pipeline();
    if (pipeline.get(FRAME_GUARD) != null) {
      return true;
    }
    if (pipeline.get(VERTX_HANDLER) == null) {
      return false;
    }
    pipeline.addBefore(VERTX_HANDLER, FRAME_GUARD, new InboundFrameGuard(onViolation));
    return true;
  }

  /**
   * The close a failure of the frame decoder calls for: its own status (1002 for a protocol
   * error, 1009 for a frame over the limit, 1007 for text that is not UTF-8) with its message,
   * which describes the frame, not the hub; for the inflater of permessage-deflate, 1009 when it
   * reached its bound and 1007 for data that does not inflate. Null for failures that are not
   * about the peer's frames.
   */
  public static FrameFault decoderFailure(Throwable failure) {
    DecompressionException inflation = Reflection.causeOfType(failure, DecompressionException.class);
    if (inflation != null) {
      // The inflater stopped at its bound, or the compressed data was not valid deflate.
      return String.valueOf(inflation.getMessage()).contains("maximum size")
          ? new FrameFault(FrameFault.Kind.TOO_LARGE, "frame larger than the limit")
          : new FrameFault(FrameFault.Kind.BAD_COMPRESSED_DATA, "compressed data that does not inflate");
    }
    if (!(failure instanceof CorruptedWebSocketFrameException corrupted)) {
      return null;
    }
    int code = corrupted.closeStatus() == null ? 1002 : corrupted.closeStatus().code();
    FrameFault.Kind kind = code == 1009 ? FrameFault.Kind.TOO_LARGE : code == 1007 ? FrameFault.Kind.INVALID_TEXT : FrameFault.Kind.PROTOCOL_ERROR;
    String what = corrupted.getMessage() == null ? "malformed WebSocket frame" : corrupted.getMessage();
    return new FrameFault(kind, kind == FrameFault.Kind.TOO_LARGE ? "frame larger than the limit" : what);
  }

  /**
   * A writer of bursts with one flush each: frames go into the socket's Netty pipeline and take
   * the same path as Vert.x's own writes (the WebSocket encoder, permessage-deflate when
   * negotiated), filling the outbound buffer bounded by {@code setWriteQueueMaxSize}. Each frame
   * wraps the shared bytes: a message is encoded once for all sockets. Vert.x's drain handler only
   * fires for writes that went through its own queue, so a full socket is resumed by the
   * completion of an empty write queued behind the burst. Without the pipeline, writes go through
   * the public API, one flush each.
   */
  public static BurstWriter burstWriter(ServerWebSocket ws) {
    ChannelHandlerContext pipeline = channelContext(ws);
    return pipeline != null ? new PipelineWriter(pipeline) : new PublicApiWriter(ws);
  }

  /** What {@link #compact} did to a socket. */
  public record Compaction(boolean upgradeReleased, boolean writeQueueCompacted) {
  }

  /**
   * Frees what an open WebSocket keeps for nothing, about 11 KB of an idle device connection's 16.6:
   * <ul>
   *   <li>the HTTP connection it was upgraded from, with its upgrade request, response, headers
   *   and a 4 KiB write-queue chunk: Vert.x's handler of the socket keeps the function that made
   *   the socket, and that function holds them all; it is never called again, so it is let go;</li>
   *   <li>the socket's own write queue: Netty's unbounded multi-producer queue pads itself against
   *   false sharing and starts with a chunk of 1,024 slots, 4.7 KiB for a socket that holds one
   *   write at a time. It is replaced, while empty, by a {@link ConcurrentLinkedQueue} (48 bytes
   *   empty): as unbounded, as safe for writers on any thread; Vert.x only adds and polls.</li>
   * </ul>
   * Call on the socket's event loop right after the upgrade, before anything is written to it.
   * Without the fields (another Vert.x) nothing changes but the memory each connection holds.
   */
  public static Compaction compact(ServerWebSocket ws) {
    ChannelHandlerContext context = channelContext(ws);
    if (context == null || !(context.handler() instanceof VertxHandler<?> handler) || !context.executor().inEventLoop()) {
      return new Compaction(false, false);
    }
    boolean released = Reflection.set(HANDLER_CONNECTION_FACTORY, handler, null);
    boolean compacted = false;
    Object writeQueue = Reflection.get(CONNECTION_WRITE_QUEUE, handler.getConnection());
    Object messages = writeQueue instanceof OutboundMessageQueue<?> ? Reflection.get(WRITE_QUEUE_MESSAGES, writeQueue) : null;
    if (messages instanceof MessagePassingQueue<?> && Reflection.get(MESSAGES_QUEUE, messages) instanceof Queue<?> queue
        && queue.isEmpty()) {
      compacted = Reflection.set(MESSAGES_QUEUE, messages, new ConcurrentLinkedQueue<>());
    }
    return new Compaction(released, compacted);
  }

  /** See {@link #guardInboundFrames}: what Vert.x lets through, refused or dropped before it gets there. */
  private static final class InboundFrameGuard extends ChannelInboundHandlerAdapter {

    private final Consumer<FrameFault> onViolation;
    private boolean failed;

    InboundFrameGuard(Consumer<FrameFault> onViolation) {
      this.onViolation = onViolation;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (failed) {
        ReferenceCountUtil.release(msg); // the connection is closing: nothing more goes up
        return;
      }
      if (msg instanceof WebSocketFrame frame) {
        // Extension decoders clear the bit of an extension they negotiated: any bit still set is an error.
        if (frame.rsv() != 0) {
          frame.release();
          fail(new FrameFault(FrameFault.Kind.PROTOCOL_ERROR, "reserved bits set without a negotiated extension"));
          return;
        }
        // RFC 6455 section 5.5.3 allows answering only the latest ping; this answers none while the peer does not read.
        if (frame instanceof PingWebSocketFrame && !ctx.channel().isWritable()) {
          frame.release();
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      FrameFault close = decoderFailure(cause);
      if (close == null) {
        ctx.fireExceptionCaught(cause);
      } else if (!failed) {
        fail(close); // the decoder discards what follows until the close completes
      }
    }

    private void fail(FrameFault reason) {
      failed = true;
      onViolation.accept(reason);
    }
  }

  private static final class PipelineWriter implements BurstWriter {
    private final ChannelHandlerContext pipeline;

    PipelineWriter(ChannelHandlerContext pipeline) {
      this.pipeline = pipeline;
    }

    @Override
    public boolean full() {
      return !pipeline.channel().isWritable();
    }

    @Override
    public void write(byte[] utf8) {
      pipeline.write(new TextWebSocketFrame(true, 0, Unpooled.wrappedBuffer(utf8)), pipeline.voidPromise());
    }

    @Override
    public void flush() {
      pipeline.flush();
    }

    @Override
    public void whenDrained(Runnable resume) {
      pipeline.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ignored -> resume.run());
    }
  }

  private static final class PublicApiWriter implements BurstWriter {
    private final ServerWebSocket ws;

    PublicApiWriter(ServerWebSocket ws) {
      this.ws = ws;
    }

    @Override
    public boolean full() {
      return ws.writeQueueFull();
    }

    @Override
    public void write(byte[] utf8) {
      ws.writeFrame(io.vertx.core.http.WebSocketFrame.textFrame(new String(utf8, StandardCharsets.UTF_8), true));
    }

    @Override
    public void flush() {
      // every write was flushed on its own
    }

    @Override
    public void whenDrained(Runnable resume) {
      ws.drainHandler(ignored -> resume.run());
    }
  }
}
