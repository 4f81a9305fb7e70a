package org.telemetryhub.hub.internals;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The Vert.x and Netty internals the hub uses while a request becomes a WebSocket: bounded
 * permessage-deflate, compression refused to devices, and frames that arrive with the upgrade
 * request held for the socket. Each says what happens when it is not available.
 */
public final class UpgradeInternals {

  /** The name Vert.x gives Netty's WebSocket extension handler (permessage-deflate) in a pipeline. */
  public static final String WEBSOCKET_EXTENSION_HANDLER = "webSocketExtensionHandler";
  static final String EARLY_FRAMES = "hub-early-frames";

  private UpgradeInternals() {
  }

  /**
   * Bounds the inflation of permessage-deflate on {@code connection}: Vert.x's extension handler,
   * which it puts in every connection's pipeline before any request is read, offers compression
   * that inflates without a bound (a frame of 61 KB that inflated to 60 MiB held an event loop for
   * 15 s); it is replaced, under the same name, by one offering {@code inflation} (see
   * {@link #boundedCompression}). Call from the server's connection handler, which runs before the
   * first request. Without access to the pipeline, Vert.x's offer stays (compression unbounded:
   * this fallback must not stay in use).
   */
  public static void boundCompression(HttpConnection connection, WebSocketServerExtensionHandshaker inflation) {
    if (connection instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channel().pipeline();
      if (pipeline.get(WEBSOCKET_EXTENSION_HANDLER) != null) {
        pipeline.replace(WEBSOCKET_EXTENSION_HANDLER, WEBSOCKET_EXTENSION_HANDLER, new WebSocketServerExtensionHandler(inflation));
      }
    }
  }

  /**
   * permessage-deflate (RFC 7692) as Vert.x would offer it, except that each frame inflates to at
   * most {@code maxInflatedBytes}: the inflater stops there and the connection is closed with 1009
   * (see {@link WebSocketInternals#decoderFailure}). Shared by every connection.
   */
  public static WebSocketServerExtensionHandshaker boundedCompression(int maxInflatedBytes) {
    return new PerMessageDeflateServerExtensionHandshaker(6, ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
        PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, false, false, maxInflatedBytes);
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

  /** Frames held back while a connection is upgraded; see {@link #holdEarlyFrames}. */
  public interface EarlyFrames {
    /** The WebSocket is open and reading: the held frames go to it, in order, and nothing is held any more. */
    void release();

    /** The upgrade failed: the held frames are dropped with the connection. */
    void discard();

    EarlyFrames NONE = new EarlyFrames() {
      @Override
      public void release() {
      }

      @Override
      public void discard() {
      }
    };
  }

  /**
   * Holds the frames a client sent before the upgrade of {@code request} completed (in the same TCP
   * write as the request, say) until the WebSocket is open, then hands them to it. Without this
   * they are lost: Netty's handshake passes the bytes that followed the request to the new frame
   * decoder, which decodes them before Vert.x has put the WebSocket's handler in place, so they
   * reach the HTTP connection's handler and are dropped, and the device's next ack covers a packet
   * never stored. Call on the request's event loop before {@code toWebSocket()}. Holds at most
   * {@code maxBytes}; a client that sends more before its upgrade completes is disconnected.
   * Without the pipeline, nothing is held (the early frames are lost as before).
   */
  public static EarlyFrames holdEarlyFrames(HttpServerRequest request, int maxBytes) {
    if (!(request.connection() instanceof ConnectionBase base) || base.channel().pipeline().get(WebSocketInternals.VERTX_HANDLER) == null) {
      return EarlyFrames.NONE;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    EarlyFrameHold hold = new EarlyFrameHold(maxBytes);
    pipeline.addBefore(WebSocketInternals.VERTX_HANDLER, EARLY_FRAMES, hold);
    return hold;
  }

  /** See {@link #holdEarlyFrames}. Used on the connection's event loop only. */
  private static final class EarlyFrameHold extends ChannelInboundHandlerAdapter implements EarlyFrames {
    private final int maxBytes;
    private final java.util.ArrayDeque<Object> held = new java.util.ArrayDeque<>();
    private int heldBytes;
    private ChannelHandlerContext ctx;

    EarlyFrameHold(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    /** The request itself (HTTP objects) goes on to Vert.x; only frames, which come after the handshake, wait. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof WebSocketFrame frame)) {
        ctx.fireChannelRead(msg);
        return;
      }
      held.add(frame);
      heldBytes += frame.content().readableBytes();
      if (heldBytes > maxBytes) {
        discard();
        ctx.close();
      }
    }

    @Override
    public void release() {
      if (ctx == null || ctx.isRemoved()) {
        return;
      }
      Object frame;
      while ((frame = held.poll()) != null) {
        ctx.fireChannelRead(frame);
      }
      ctx.fireChannelReadComplete();
      ctx.pipeline().remove(this);
    }

    @Override
    public void discard() {
      Object frame;
      while ((frame = held.poll()) != null) {
        ReferenceCountUtil.release(frame);
      }
      if (ctx != null && !ctx.isRemoved()) {
        ctx.pipeline().remove(this);
      }
    }
  }

}
