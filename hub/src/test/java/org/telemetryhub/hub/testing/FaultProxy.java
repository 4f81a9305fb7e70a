package org.telemetryhub.hub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that injects the faults kernel tools cannot: a black hole (every
 * connection stays open, every byte vanishes both ways) and half-open connections (the proxy
 * drops its side to the server without a word to the client, which keeps a connection nobody
 * answers). Blocking sockets, two threads per connection: for tests with tens of connections.
 */
public final class FaultProxy implements AutoCloseable {

  /** What happens to the bytes of every connection, from now on. */
  public enum Mode {
    /** Bytes flow both ways. */
    PASS,
    /** Connections stay open; bytes are read and dropped, both ways. New connections are accepted and treated alike. */
    BLACK_HOLE
  }

  private final ServerSocket listener;
  private final int targetPort;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile Mode mode = Mode.PASS;

  /** One client connection and its connection to the server. */
  private final class Link {
    final Socket client;
    final Socket server;
    /** The server side was dropped on purpose: the client side stays open, unanswered. */
    volatile boolean halfOpen;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      pump(client, server, "proxy-up");
      pump(server, client, "proxy-down");
    }

    private void pump(Socket from, Socket to, String name) {
      Thread thread = new Thread(() -> {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
          OutputStream out = to.getOutputStream();
          int read;
          while ((read = in.read(buffer)) >= 0) {
            if (mode == Mode.PASS) {
              out.write(buffer, 0, read);
              out.flush();
            }
          }
        } catch (IOException closed) {
          // either side went away: the other follows below
        }
        if (!(halfOpen && to == client)) {
          closeQuietly(to);
          links.remove(this);
        }
      }, name);
      thread.setDaemon(true);
      thread.start();
    }
  }

  private FaultProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "proxy-accept");
    acceptor.setDaemon(true);
  }

  /** A proxy on a free loopback port to {@code targetPort} on loopback. */
  public static FaultProxy to(int targetPort) throws IOException {
    FaultProxy proxy = new FaultProxy(targetPort);
    proxy.acceptor.start();
    return proxy;
  }

  public int port() {
    return listener.getLocalPort();
  }

  public void mode(Mode next) {
    mode = next;
  }

  /**
   * Half-open: closes every connection's server side (the server sees the connection end) and
   * keeps its client side open and silent, as after a crash the client was never told of.
   */
  public void halfOpenAll() {
    mode = Mode.BLACK_HOLE;
    for (Link link : links) {
      link.halfOpen = true;
      closeQuietly(link.server);
    }
  }

  /** Connections held now. */
  public int connections() {
    return links.size();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server;
        try {
          server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException refused) {
          closeQuietly(client); // the server is down: the client sees its connection end
          continue;
        }
        Link link = new Link(client, server);
        links.add(link);
        link.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Link link : links) {
      closeQuietly(link.client);
      closeQuietly(link.server);
    }
  }
}
