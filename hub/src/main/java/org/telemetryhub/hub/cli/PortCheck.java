package org.telemetryhub.hub.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether the hub's port is free, asked before anything is created (data directory, secret), so
 * that a taken port costs the user one clear line instead of a bind exception after the fact.
 */
public final class PortCheck {

  private PortCheck() {
  }

  /** Null when {@code host:port} can be listened on (port 0 always can); otherwise what to tell the user. */
  public static String problem(String host, int port) {
    if (port == 0) {
      return null;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as the hub's own listener: a port in TIME_WAIT is free
      socket.bind(new InetSocketAddress(host, port));
      return null;
    } catch (IOException e) {
      return takenMessage(host, port);
    }
  }

  public static String takenMessage(String host, int port) {
    return "port " + port + " on " + host + " is already in use (another hub or program listens there); choose another with --port";
  }

  /** Whether a failure to start was the listener's bind (the port was taken after the check). */
  public static boolean isTakenPort(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }
}
