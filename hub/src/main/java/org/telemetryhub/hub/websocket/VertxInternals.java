package org.telemetryhub.hub.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.internal.concurrent.OutboundMessageQueue;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.NetServerImpl;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.core.streams.impl.MessagePassingQueue;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every use the hub makes of Vert.x internals and of the Netty pipeline under them, in one place,
 * each with what happens when it is not available (the public API's behaviour, and a lost
 * optimisation or safeguard). VertxInternalsIT fails loudly when a Vert.x upgrade breaks one.
 */
public final class VertxInternals {

  /** The name Vert.x gives Netty's WebSocket extension handler (permessage-deflate) in a pipeline. */
  static final String WEBSOCKET_EXTENSION_HANDLER = "webSocketExtensionHandler";
  /** The name Vert.x gives its own handler, the last one of a connection's pipeline. */
  static final String VERTX_HANDLER = "handler";
  static final String FRAME_GUARD = "hub-inbound-frame-guard";

  static final String EARLY_FRAMES = "hub-early-frames";
  static final String ACCEPT_WATCH = "hub-accept-watch";
  static final String ACCEPTED_SOCKET_GUARD = "hub-accepted-socket-guard";

  /** The private fields {@link #watchAccepts} reads, looked up once; null when this Vert.x has no such field. */
  private static final Field HTTP_SERVER_TCP_SERVER = field(HttpServerImpl.class, "tcpServer");
  private static final Field NET_SERVER_ACTUAL_SERVER = field(NetServerImpl.class, "actualServer");
  private static final Field NET_SERVER_BIND_FUTURE = field(NetServerImpl.class, "bindFuture");
  /** The private fields {@link #compact} sets, looked up once; null when this Vert.x has no such field. */
  private static final Field HANDLER_CONNECTION_FACTORY = field(VertxHandler.class, "connectionFactory");
  private static final Field CONNECTION_WRITE_QUEUE = field(VertxConnection.class, "outboundMessageQueue");
  private static final Field WRITE_QUEUE_MESSAGES = field(OutboundMessageQueue.class, "mqp");
  private static final Field MESSAGES_QUEUE = field(MessagePassingQueue.class, "queue");
  /** The request an HTTP/1.x connection is answering (null between requests), for {@link #activity}. */
  private static final Field RESPONSE_IN_PROGRESS = field(io.vertx.core.http.impl.Http1xServerConnection.class, "responseInProgress");

  private VertxInternals() {
  }

  /** The socket's Netty context, or null when this Vert.x does not expose it. */
  static ChannelHandlerContext channelContext(ServerWebSocket ws) {
    return ws instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
  }

  // ---- connections ----

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
    boolean answering = handler != null && get(RESPONSE_IN_PROGRESS, handler.getConnection()) != null;
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
    Object tcpServer = get(HTTP_SERVER_TCP_SERVER, server);
    Object listening = tcpServer instanceof NetServerImpl net ? get(NET_SERVER_ACTUAL_SERVER, net) : null;
    Object bound = listening instanceof NetServerImpl actual ? get(NET_SERVER_BIND_FUTURE, actual) : null;
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

  // ---- WebSockets ----

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
   * (see {@link #decoderFailure}). Shared by every connection.
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
    if (!(request.connection() instanceof ConnectionBase base) || base.channel().pipeline().get(VERTX_HANDLER) == null) {
      return EarlyFrames.NONE;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    EarlyFrameHold hold = new EarlyFrameHold(maxBytes);
    pipeline.addBefore(VERTX_HANDLER, EARLY_FRAMES, hold);
    return hold;
  }

  /**
   * Drops the TCP connection without a closing handshake (the peer sees 1006), as a heartbeat
   * timeout calls for. Closing the channel directly skips Vert.x's close handling, which would
   * send a close frame first. Without the channel, closes with 1011 as the nearest public means.
   */
  static void terminate(ServerWebSocket ws) {
    ChannelHandlerContext context = channelContext(ws);
    if (context != null) {
      context.close();
    } else {
      ws.close(CloseCause.INTERNAL_ERROR.code(), "heartbeat timeout");
    }
  }

  /**
   * Fails the connection (RFC 6455 section 7.1.7): sends the close frame and closes the TCP
   * connection as soon as it is written, without waiting for the peer's answer. After a frame the
   * decoder refused it discards everything that follows, the peer's close too, so a closing
   * handshake would only wait out the closing timeout. Without the pipeline, an ordinary close.
   */
  static void failConnection(ServerWebSocket ws, short code, String reason) {
    ChannelHandlerContext context = channelContext(ws);
    if (context == null) {
      ws.close(code, reason);
      return;
    }
    // Closed from Vert.x's handler down, as terminate does: the channel's own close would pass
    // through Vert.x, which answers it with a closing handshake of its own (a second close frame, 1000).
    context.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(written -> context.close());
  }

  /**
   * Puts an {@link InboundFrameGuard} in front of Vert.x's handler: a frame the decoder refuses,
   * or one with reserved bits set, is reported to {@code onViolation} (which closes the socket
   * with its code) instead of dropping the connection; pings arriving while the socket is full get
   * no pong. Call on the socket's event loop, right after the upgrade. Returns false when it could
   * not: then decoder failures reach the socket's exception handler ({@link #decoderFailure}) and
   * the connection drops, and reserved bits and pings are handled as Vert.x handles them.
   */
  static boolean guardInboundFrames(ServerWebSocket ws, Consumer<CloseReason> onViolation) {
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
  static CloseReason decoderFailure(Throwable failure) {
    DecompressionException inflation = causeOfType(failure, DecompressionException.class);
    if (inflation != null) {
      // The inflater stopped at its bound, or the compressed data was not valid deflate.
      return String.valueOf(inflation.getMessage()).contains("maximum size")
          ? new CloseReason(CloseCause.TOO_LARGE, "frame larger than the limit")
          : new CloseReason(CloseCause.BAD_COMPRESSED_DATA, "compressed data that does not inflate");
    }
    if (!(failure instanceof CorruptedWebSocketFrameException corrupted)) {
      return null;
    }
    CloseCause cause = CloseCause.forDecoderCode(corrupted.closeStatus() == null ? 1002 : corrupted.closeStatus().code());
    String what = corrupted.getMessage() == null ? "malformed WebSocket frame" : corrupted.getMessage();
    return new CloseReason(cause, cause == CloseCause.TOO_LARGE ? "frame larger than the limit" : what);
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
  record Compaction(boolean upgradeReleased, boolean writeQueueCompacted) {
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
  static Compaction compact(ServerWebSocket ws) {
    ChannelHandlerContext context = channelContext(ws);
    if (context == null || !(context.handler() instanceof VertxHandler<?> handler) || !context.executor().inEventLoop()) {
      return new Compaction(false, false);
    }
    boolean released = set(HANDLER_CONNECTION_FACTORY, handler, null);
    boolean compacted = false;
    Object writeQueue = get(CONNECTION_WRITE_QUEUE, handler.getConnection());
    Object messages = writeQueue instanceof OutboundMessageQueue<?> ? get(WRITE_QUEUE_MESSAGES, writeQueue) : null;
    if (messages instanceof MessagePassingQueue<?> && get(MESSAGES_QUEUE, messages) instanceof Queue<?> queue
        && queue.isEmpty()) {
      compacted = set(MESSAGES_QUEUE, messages, new ConcurrentLinkedQueue<>());
    }
    return new Compaction(released, compacted);
  }

  private static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  private static Field field(Class<?> type, String name) {
    try {
      Field field = type.getDeclaredField(name);
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Object get(Field field, Object target) {
    try {
      return field == null || target == null ? null : field.get(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static boolean set(Field field, Object target, Object value) {
    try {
      if (field == null) {
        return false;
      }
      field.set(target, value);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
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

  /** See {@link #guardInboundFrames}: what Vert.x lets through, refused or dropped before it gets there. */
  private static final class InboundFrameGuard extends ChannelInboundHandlerAdapter {

    private final Consumer<CloseReason> onViolation;
    private boolean failed;

    InboundFrameGuard(Consumer<CloseReason> onViolation) {
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
          fail(new CloseReason(CloseCause.PROTOCOL_ERROR, "reserved bits set without a negotiated extension"));
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
      CloseReason close = decoderFailure(cause);
      if (close == null) {
        ctx.fireExceptionCaught(cause);
      } else if (!failed) {
        fail(close); // the decoder discards what follows until the close completes
      }
    }

    private void fail(CloseReason reason) {
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
