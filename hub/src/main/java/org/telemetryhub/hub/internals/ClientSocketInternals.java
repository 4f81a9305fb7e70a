package org.telemetryhub.hub.internals;

import io.vertx.core.http.WebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

/** The Vert.x internals device-sim uses on its client sockets to do what a real network does to them. */
public final class ClientSocketInternals {

  private ClientSocketInternals() {
  }

  /**
   * Ends the TCP connection without a closing handshake, as a lost link or a dead device would:
   * closed from Vert.x's own handler down, no close frame is sent. Without the internals, an
   * ordinary close.
   */
  public static void drop(WebSocket ws) {
    if (ws instanceof WebSocketInternal internal) {
      internal.channelHandlerContext().close();
    } else {
      ws.close();
    }
  }

  /**
   * Stops (or resumes) reading the socket: pings go unanswered and acks unread, while sending still
   * works. Returns false when it could not (without the internals).
   */
  public static boolean deaf(WebSocket ws, boolean deaf) {
    if (ws instanceof WebSocketInternal internal) {
      internal.channelHandlerContext().channel().config().setAutoRead(!deaf);
      return true;
    }
    return false;
  }
}
