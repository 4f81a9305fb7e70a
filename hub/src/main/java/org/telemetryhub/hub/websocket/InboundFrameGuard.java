package org.telemetryhub.hub.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * Sits in a WebSocket's Netty pipeline after the frame decoder and any extension decoders, and
 * before Vert.x, to handle what Vert.x handles badly:
 * <ul>
 *   <li>A frame the decoder refuses (too large, a protocol error, text that is not UTF-8). Vert.x
 *   drops the TCP connection at once, while the peer may still be sending the rest of a large
 *   frame: the peer sees a reset, never the close code. Here the owner is told the close reason
 *   and closes with it; the decoder discards whatever else arrives until the close completes.</li>
 *   <li>A frame with reserved bits set. Extension decoders clear the bit of an extension they
 *   negotiated, so any bit still set here is a protocol error (RFC 6455 section 5.2). Vert.x's
 *   decoder allows extensions on every socket of a server that offers compression, even on one
 *   that negotiated none.</li>
 *   <li>A ping that would queue another pong behind bytes the peer is not reading. Vert.x answers
 *   every ping, so a peer that floods pings and never reads makes the hub queue pongs without
 *   bound; RFC 6455 (section 5.5.3) lets an endpoint answer only the latest ping, and here a ping
 *   that arrives while the socket is full is not answered at all.</li>
 * </ul>
 * After a violation nothing more goes up to Vert.x.
 */
final class InboundFrameGuard extends ChannelInboundHandlerAdapter {

  static final String NAME = "hub-inbound-frame-guard";

  private final Consumer<CloseReason> onViolation;
  private boolean failed;

  /** @param onViolation told once, on the socket's event loop, of the close the peer's frames call for */
  InboundFrameGuard(Consumer<CloseReason> onViolation) {
    this.onViolation = onViolation;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof WebSocketFrame frame) {
      if (frame.rsv() != 0) {
        frame.release();
        fail(CloseReason.protocolError("reserved bits set without a negotiated extension"));
        return;
      }
      if (frame instanceof PingWebSocketFrame && !ctx.channel().isWritable()) {
        frame.release();
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException) {
      if (!failed) {
        fail(CloseReason.forDecoderFailure(cause));
      }
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  private void fail(CloseReason reason) {
    failed = true;
    onViolation.accept(reason);
  }
}
