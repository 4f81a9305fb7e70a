package org.telemetryhub.sim;

import io.vertx.core.http.WebSocket;
import org.telemetryhub.hub.internals.ClientSocketInternals;

/** What a real network does to a socket, done on purpose: drop it, or stop reading from it. */
final class SocketFaults {

  private SocketFaults() {
  }

  /** Ends the TCP connection without a closing handshake, as a lost link or a dead device would. */
  static void drop(WebSocket ws) {
    ClientSocketInternals.drop(ws);
  }

  /** Stops (or resumes) reading the socket: pings go unanswered, acks unread, while sending still works. */
  static void deaf(WebSocket ws, boolean deaf) {
    ClientSocketInternals.deaf(ws, deaf);
  }
}
