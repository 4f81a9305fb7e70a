package org.telemetryhub.hub.internals;

import io.vertx.core.http.impl.HttpServerImpl;
import java.lang.reflect.Field;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.NetServerImpl;
import io.vertx.core.net.impl.VertxHandler;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * The Vert.x and Netty internals the hub uses for its TCP and HTTP connections (the connection
 * guard at the edge): the hook at accept, what identifies a connection, its close and its activity.
 * Each says what happens when it is not available. VertxInternalsIT fails loudly when a Vert.x
 * upgrade breaks one.
 */
public final class ConnectionInternals {

  static final String ACCEPT_WATCH = "hub-accept-watch";
  static final String ACCEPTED_SOCKET_GUARD = "hub-accepted-socket-guard";

  /** The private fields {@link #watchAccepts} reads, looked up once; null when this Vert.x has no such field. */
  private static final Field HTTP_SERVER_TCP_SERVER = Reflection.field(HttpServerImpl.class, "tcpServer");
  private static final Field NET_SERVER_ACTUAL_SERVER = Reflection.field(NetServerImpl.class, "actualServer");
  private static final Field NET_SERVER_BIND_FUTURE = Reflection.field(NetServerImpl.class, "bindFuture");
  /** The request an HTTP/1.x connection is answering (null between requests), for {@link #activity}. */
  private static final Field RESPONSE_IN_PROGRESS = Reflection.field(io.vertx.core.http.impl.Http1xServerConnection.class, "responseInProgress");

  private ConnectionInternals() {
  }

  /** A TCP connection as the connection guard sees it, whatever it is at the time: just accepted, or an HTTP connection. */
  public interface GuardedSocket {
    /** What identifies the connection for as long as its socket is open (see {@link #connectionKey}). */
    Object key();

    /** The peer's IP address, or "unknown". */
    String remoteAddress();

    /**
     * Refuses the connection: a plain one is answered {@code status} with the JSON body and a
     * {@code Retry-After} first; a TLS one is just closed.
     */
    void refuse(int status, String json, int retryAfterSeconds);

    /** Runs {@code action} once the TCP socket has closed. */
    void onClose(Runnable action);
  }

  /** Closes the connection that {@code key} ({@link GuardedSocket#key}) identifies: a Netty channel, or an HTTP connection. */
  public static void close(Object key) {
    if (key instanceof Channel channel) {
      channel.close();
    } else if (key instanceof HttpConnection connection) {
      connection.close();
    }
  }

  /**
   * What a plain HTTP connection is doing, for its idle deadline: whether it is answering a request
   * (from its headers to the end of its answer, however long the answer takes to produce), and how
   * many bytes of answers wait for the peer to read them.
   */
  public record HttpActivity(boolean answering, long unwrittenBytes) {
    public static final HttpActivity IDLE = new HttpActivity(false, 0);
  }

  /** The activity of the connection under {@code key} ({@link #connectionKey}); idle when it cannot be told. */
  public static HttpActivity activity(Object key) {
    if (!(key instanceof Channel channel)) {
      return HttpActivity.IDLE;
    }
    Channel.Unsafe unsafe = channel.unsafe();
    long unwritten = unsafe.outboundBuffer() == null ? 0 : unsafe.outboundBuffer().totalPendingWriteBytes();
    VertxHandler<?> handler = channel.pipeline().get(VertxHandler.class);
    boolean answering = handler != null && Reflection.get(RESPONSE_IN_PROGRESS, handler.getConnection()) != null;
    return new HttpActivity(answering, unwritten);
  }

  /** Whether the TCP socket of {@code connection} is still open (when it cannot be told: true). */
  public static boolean isOpen(HttpConnection connection) {
    return !(connection instanceof ConnectionBase base) || base.channel().isOpen();
  }

  /** The guard of an HTTP connection, for when no accepted socket was seen (see {@link #watchAccepts}). */
  public static GuardedSocket guardedSocket(HttpConnection connection) {
    return new GuardedSocket() {
      @Override
      public Object key() {
        return connectionKey(connection);
      }

      @Override
      public String remoteAddress() {
        return connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
      }

      @Override
      public void refuse(int status, String json, int retryAfterSeconds) {
        refuseConnection(connection, status, json, retryAfterSeconds);
      }

      @Override
      public void onClose(Runnable action) {
        onTcpClose(connection, action);
      }
    };
  }

  /**
   * Calls {@code onAccept} for every TCP connection {@code server} accepts, first thing, on the
   * connection's event loop: before its TLS handshake (which a socket that never sends a
   * ClientHello never completes) and before Vert.x makes it an HTTP connection, which is when
   * Vert.x's own connection handler runs. The hook sits in front of Netty's acceptor on the
   * listening socket that every server of this host and port shares (installed once), and puts a
   * handler first in each accepted socket's pipeline that removes itself as it runs, so it costs an
   * open connection nothing. {@code onAccept} returns false for a connection it refused (and
   * closed): then nothing of Vert.x's is set up on it (no TLS engine, no HTTP connection). Returns
   * false when this Vert.x does not let it: then the guard sees a TLS connection only after its
   * handshake. Completes once the hook is in place.
   */
  public static io.vertx.core.Future<Boolean> watchAccepts(HttpServer server, boolean tls, Predicate<GuardedSocket> onAccept) {
    Object tcpServer = Reflection.get(HTTP_SERVER_TCP_SERVER, server);
    Object listening = tcpServer instanceof NetServerImpl net ? Reflection.get(NET_SERVER_ACTUAL_SERVER, net) : null;
    Object bound = listening instanceof NetServerImpl actual ? Reflection.get(NET_SERVER_BIND_FUTURE, actual) : null;
    if (!(bound instanceof io.vertx.core.Future<?> future) || !(future.result() instanceof Channel serverChannel)) {
      return io.vertx.core.Future.succeededFuture(false);
    }
    // Added on the listening socket's own event loop, so that the hook is in place, not pending,
    // when the returned future completes: every connection accepted after that is seen.
    io.vertx.core.Promise<Boolean> installed = io.vertx.core.Promise.promise();
    serverChannel.eventLoop().execute(() -> {
      ChannelPipeline pipeline = serverChannel.pipeline();
      if (pipeline.get(ACCEPT_WATCH) == null) {
        pipeline.addFirst(ACCEPT_WATCH, new AcceptWatch(new AcceptedSocketGuard(tls, onAccept)));
      }
      installed.complete(true);
    });
    return installed.future();
  }

  /**
   * Answers a connection refused at accept with {@code status} and a JSON body, then closes it.
   * The response is written straight to the socket, past the HTTP encoder: no request has been
   * read, and none will be. Without access to the channel the connection is just closed.
   */
  public static void refuseConnection(HttpConnection connection, int status, String json, int retryAfterSeconds) {
    if (!(connection instanceof ConnectionBase base)) {
      connection.close();
      return;
    }
    base.channel().pipeline().firstContext().writeAndFlush(httpResponse(status, json, retryAfterSeconds))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** A whole HTTP/1.1 response with a JSON body that closes the connection, as bytes for the socket. */
  private static io.netty.buffer.ByteBuf httpResponse(int status, String json, int retryAfterSeconds) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nRetry-After: " + retryAfterSeconds
        + "\r\nConnection: close\r\n\r\n";
    return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
  }

  /**
   * What identifies {@code connection} for as long as its TCP socket is open, whatever it becomes:
   * its Netty channel. Holding the channel rather than the HTTP connection lets an upgraded
   * connection's HTTP object be collected. Without the channel, the connection itself.
   */
  public static Object connectionKey(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel() : connection;
  }

  /**
   * Runs {@code action} once the connection's TCP socket has closed, whatever it became: Vert.x's
   * own close handler of an HTTP connection does not run once it was upgraded to a WebSocket.
   * Without the channel, the HTTP connection's close handler (then an upgraded connection is
   * never released: a limit would fill up, so this fallback must not stay in use).
   */
  public static void onTcpClose(HttpConnection connection, Runnable action) {
    if (connection instanceof ConnectionBase base) {
      base.channel().closeFuture().addListener(ignored -> action.run());
    } else {
      connection.closeHandler(ignored -> action.run());
    }
  }

  /** On the listening socket: puts the guard first in every accepted socket's pipeline, before Netty's acceptor registers it. */
  @ChannelHandler.Sharable
  private static final class AcceptWatch extends ChannelInboundHandlerAdapter {
    private final AcceptedSocketGuard guard;

    AcceptWatch(AcceptedSocketGuard guard) {
      this.guard = guard;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel accepted) {
        accepted.pipeline().addFirst(ACCEPTED_SOCKET_GUARD, guard);
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * First in an accepted socket's pipeline: once the socket is registered with its event loop, and
   * before any other handler is initialised (Vert.x's TLS and HTTP handlers among them), tells the
   * guard, and takes itself out.
   */
  @ChannelHandler.Sharable
  private static final class AcceptedSocketGuard extends ChannelInboundHandlerAdapter {
    private final boolean tls;
    private final Predicate<GuardedSocket> onAccept;

    AcceptedSocketGuard(boolean tls, Predicate<GuardedSocket> onAccept) {
      this.tls = tls;
      this.onAccept = onAccept;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ChannelPipeline pipeline = ctx.pipeline();
      pipeline.remove(this);
      if (!onAccept.test(new AcceptedSocket(ctx.channel(), tls))) {
        // Refused: Vert.x's initialiser, not run yet, would still build TLS and HTTP on a closing socket.
        while (pipeline.first() != null) {
          pipeline.removeFirst();
        }
      }
    }
  }

  /** A socket just accepted: nothing but its channel yet. */
  private record AcceptedSocket(Channel channel, boolean tls) implements GuardedSocket {
    @Override
    public Object key() {
      return channel;
    }

    @Override
    public String remoteAddress() {
      return channel.remoteAddress() instanceof java.net.InetSocketAddress address && address.getAddress() != null
          ? address.getAddress().getHostAddress() : "unknown";
    }

    @Override
    public void refuse(int status, String json, int retryAfterSeconds) {
      if (tls) {
        channel.close(); // an HTTP answer would need the handshake the refusal saves
      } else {
        channel.writeAndFlush(httpResponse(status, json, retryAfterSeconds)).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void onClose(Runnable action) {
      channel.closeFuture().addListener(ignored -> action.run());
    }
  }

}
