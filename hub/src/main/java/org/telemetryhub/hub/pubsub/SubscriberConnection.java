package org.telemetryhub.hub.pubsub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.telemetryhub.hub.auth.SubscriberGrant;
import org.telemetryhub.hub.liveness.Heartbeat;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.websocket.CloseReason;
import org.telemetryhub.hub.websocket.MessageAssembler;
import org.telemetryhub.hub.websocket.VertxInternals;

/**
 * One subscriber's socket: its requests (subscribe, unsubscribe), its subscriptions, its bounded
 * queue and its heartbeat. Requests, writes and the close run on the connection's event loop;
 * {@link #offer} is called by publishers on any event loop.
 */
final class SubscriberConnection {

  private static final String KIND = "subscriber";
  /** Bytes Netty may hold for this socket before the hub's own queue (and its policy) takes over. */
  private static final int SOCKET_WRITE_QUEUE_BYTES = 64 * 1024;
  private static final long LOST_REPORT_INTERVAL_MILLIS = 1_000;
  private static final int MESSAGES_PER_TURN = 4096;
  /** Replies waiting beyond this stop the hub reading the subscriber's requests until half of them are written. */
  static final int PAUSE_REQUESTS_AT_BYTES = 64 * 1024;

  private final SubscriberChannel channel;
  private final ServerWebSocket ws;
  private final Context context;
  private final String connectionId;
  private final SubscriberGrant grant;
  private final String remote;
  private final long openedAtMillis = System.currentTimeMillis();
  private final SubscriberQueue queue;
  private final FrameWriter writer;
  private final Heartbeat heartbeat;
  private final Set<TopicFilter> subscriptions = new LinkedHashSet<>();
  private final Promise<Void> closed = Promise.promise();
  private final MessageAssembler assembler;
  private boolean requestsPaused;
  private long delivered;
  private long lastLostReportMillis;
  private boolean lostReportPending;
  private int hubCloseCode;
  private String hubCloseReason;

  SubscriberConnection(SubscriberChannel channel, ServerWebSocket ws, Context context, String connectionId,
                       SubscriberGrant grant) {
    this.channel = channel;
    this.ws = ws;
    this.context = context;
    this.connectionId = connectionId;
    this.grant = grant;
    this.remote = String.valueOf(ws.remoteAddress());
    this.queue = new SubscriberQueue(channel.limits.queueCapacity(), channel.limits.queueBytes(),
        channel.metrics::subscriberMessagesLost);
    this.assembler = new MessageAssembler(channel.limits.maxRequestBytes());
    this.writer = new FrameWriter(ws);
    this.heartbeat = new Heartbeat(context.owner(), ws, channel.heartbeatInterval, channel.heartbeatTimeout,
        this::terminateForHeartbeatTimeout);
  }

  void start() {
    ws.setWriteQueueMaxSize(SOCKET_WRITE_QUEUE_BYTES);
    VertxInternals.guardInboundFrames(ws, this::onFrameViolation);
    ws.frameHandler(this::onWebSocketFrame);
    ws.exceptionHandler(this::onException);
    ws.closeHandler(ignored -> onClosed());
    channel.open.add(this);
    channel.metrics.subscriberConnectionOpened();
    EventLog.opened(connectionId, KIND, grant.name(), remote);
    heartbeat.start();
  }

  // ---- requests ----

  private void onWebSocketFrame(WebSocketFrame frame) {
    heartbeat.heard();
    WebSocketFrameType type = frame.type();
    if (hubCloseReason != null || type == WebSocketFrameType.PING || type == WebSocketFrameType.PONG
        || type == WebSocketFrameType.CLOSE) {
      return;
    }
    MessageAssembler.Result result = assembler.accept(frame);
    if (result.violation() != null) {
      close(result.violation().code(), result.violation().code() == CloseReason.TOO_LARGE
          ? "request larger than the limit of " + channel.limits.maxRequestBytes() + " bytes" : result.violation().reason());
    } else if (result.type() == WebSocketFrameType.BINARY) {
      reply(error("binary frames are not accepted: send JSON text", null, null));
    } else if (result.type() == WebSocketFrameType.TEXT) {
      onRequest(result.message().toString(StandardCharsets.UTF_8));
    }
  }

  /** Without the frame guard a frame the decoder refused arrives here; a reset ends in onClosed, which logs it. */
  private void onException(Throwable failure) {
    CloseReason close = CloseReason.forDecoderFailure(failure);
    if (close != null) {
      onFrameViolation(close);
    }
  }

  /** A frame the decoder refused (1002, 1007, 1009), or one with reserved bits set (1002). */
  private void onFrameViolation(CloseReason close) {
    close(close.code(), close.code() == CloseReason.TOO_LARGE
        ? "request larger than the limit of " + channel.limits.maxRequestBytes() + " bytes" : close.reason());
  }

  private void onRequest(String text) {
    SubscriberRequest request;
    try {
      request = SubscriberRequest.parse(text, channel.limits.maxChannelsPerRequest());
    } catch (SubscriberRequest.Invalid invalid) {
      reply(error(invalid.getMessage(), invalid.id(), null));
      return;
    }
    if (request.action() == SubscriberRequest.Action.SUBSCRIBE) {
      subscribe(request);
    } else {
      unsubscribe(request);
    }
  }

  private void subscribe(SubscriberRequest request) {
    Object id = request.id();
    if (request.policy() != null) {
      queue.policy(request.policy());
    }
    List<byte[]> replies = new ArrayList<>();
    List<TopicFilter> added = new ArrayList<>();
    for (Object entry : request.channels()) {
      String text = Echo.of(String.valueOf(entry));
      TopicFilter filter;
      try {
        filter = SubscriberRequest.filter(entry);
      } catch (IllegalArgumentException e) {
        replies.add(error(e.getMessage(), id, text));
        continue;
      }
      if (!grant.permits(filter)) {
        replies.add(error("not permitted: your token does not grant '" + text + "'", id, text));
      } else if (subscriptions.contains(filter)) {
        added.add(filter); // already subscribed: nothing changes, but 'last' still answers for it
      } else if (subscriptions.size() >= channel.limits.maxSubscriptionsPerConnection()) {
        replies.add(error("subscription limit of " + channel.limits.maxSubscriptionsPerConnection()
            + " per connection reached: '" + text + "' not added", id, text));
      } else {
        subscriptions.add(filter);
        channel.broker.subscribe(this, filter);
        added.add(filter);
      }
    }
    if (request.last() && !added.isEmpty()) {
      replies.addAll(channel.broker.retained(added));
    }
    if (id != null) {
      replies.add(ack(id));
    }
    reply(replies);
  }

  private void unsubscribe(SubscriberRequest request) {
    List<byte[]> replies = new ArrayList<>();
    for (Object entry : request.channels()) {
      try {
        TopicFilter filter = SubscriberRequest.filter(entry);
        if (subscriptions.remove(filter)) {
          channel.broker.unsubscribe(this, filter);
        }
      } catch (IllegalArgumentException e) {
        replies.add(error(e.getMessage(), request.id(), Echo.of(String.valueOf(entry))));
      }
    }
    if (request.id() != null) {
      replies.add(ack(request.id()));
    }
    reply(replies);
  }

  private static byte[] ack(Object id) {
    return new JsonObject().put("ack", id).encode().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] error(String message, Object id, String channelFilter) {
    JsonObject error = new JsonObject().put("error", message);
    if (id != null) {
      error.put("id", id);
    }
    if (channelFilter != null) {
      error.put("channel", channelFilter);
    }
    return error.encode().getBytes(StandardCharsets.UTF_8);
  }

  private void reply(byte[] message) {
    reply(List.of(message));
  }

  /**
   * Queues replies. A client that sends requests without reading the replies is not read from
   * either while more than {@link #PAUSE_REQUESTS_AT_BYTES} of replies wait: its requests back up
   * in its own socket, not in the hub's memory.
   */
  private void reply(List<byte[]> messages) {
    if (messages.isEmpty()) {
      return;
    }
    act(queue.control(messages));
    if (!requestsPaused && queue.controlBytes() > PAUSE_REQUESTS_AT_BYTES) {
      requestsPaused = true;
      ws.pause();
    }
  }

  // ---- delivery ----

  /** Called by publishers on any event loop. */
  void offer(String topic, byte[] message, long publishedNanos) {
    act(queue.offer(topic, message, publishedNanos));
  }

  private void act(SubscriberQueue.Outcome outcome) {
    switch (outcome) {
      case SCHEDULE_FLUSH -> context.runOnContext(ignored -> flush());
      case DISCONNECT -> context.runOnContext(ignored -> disconnectSlow());
      default -> { }
    }
  }

  /**
   * Writes queued messages in bursts, one system call each, until the queue is empty or the
   * socket is full (then the rest waits for room, under the queue's policy). At most
   * {@link #MESSAGES_PER_TURN} per call, so one busy subscriber cannot hold its event loop.
   */
  private void flush() {
    if (ws.isClosed() || hubCloseReason != null) {
      return; // nothing may follow a close frame
    }
    int written = 0;
    boolean queueEmpty = false;
    while (!queueEmpty && !writer.full() && written < MESSAGES_PER_TURN) {
      int room = MESSAGES_PER_TURN - written;
      int burst = writeBurst(room);
      written += burst;
      queueEmpty = burst < room && !writer.full();
      writer.flush(); // the burst leaves; the socket may have room again
    }
    if (!queueEmpty) {
      if (writer.full()) {
        writer.whenDrained(() -> context.runOnContext(ignored -> flush()));
      } else {
        context.runOnContext(ignored -> flush()); // this turn's share is written: let others run first
      }
    }
    if (requestsPaused && queue.controlBytes() <= PAUSE_REQUESTS_AT_BYTES / 2) {
      requestsPaused = false;
      ws.resume();
    }
    reportLost();
  }

  /** Writes up to {@code max} queued messages, without flushing, until the queue is empty or the socket full. */
  private int writeBurst(int max) {
    int written = 0;
    SubscriberQueue.Pending next;
    while (written < max && !writer.full() && (next = queue.poll()) != null) {
      writer.write(next.message());
      written++;
      if (next.publishedNanos() != 0) {
        delivered++;
        channel.metrics.subscriberMessageDelivered(System.nanoTime() - next.publishedNanos());
      }
    }
    return written;
  }

  /** Tells the subscriber, on $hub/lost, how many messages it lost since the last report: at most once a second. */
  private void reportLost() {
    if (lostReportPending) {
      return;
    }
    long wait = LOST_REPORT_INTERVAL_MILLIS - (System.currentTimeMillis() - lastLostReportMillis);
    if (wait > 0) {
      lostReportPending = true;
      context.owner().setTimer(wait, id -> {
        lostReportPending = false;
        reportLost();
      });
      return;
    }
    long lost = queue.takeLostUnreported();
    if (lost > 0) {
      lastLostReportMillis = System.currentTimeMillis();
      reply(Messages.lost(lost, queue.lostTotal(), queue.policy()));
    }
  }

  private void disconnectSlow() {
    close(CloseReason.TRY_AGAIN_LATER, "subscriber too slow: its queue of " + channel.limits.queueCapacity() + " messages or "
        + channel.limits.queueBytes() + " bytes is full");
  }

  private void close(short code, String reason) {
    if (hubCloseReason != null) {
      return;
    }
    hubCloseCode = code;
    hubCloseReason = reason;
    EventLog.violation(connectionId, KIND, grant.name(), remote, code, reason);
    ws.close(code, reason);
  }

  private void terminateForHeartbeatTimeout(long quietMillis) {
    EventLog.heartbeatTimeout(connectionId, KIND, grant.name(), remote, quietMillis);
    channel.metrics.heartbeatTimeout();
    hubCloseCode = CloseReason.ABNORMAL;
    hubCloseReason = "heartbeat timeout";
    VertxInternals.terminate(ws);
  }

  Future<Void> closeForShutdown() {
    context.runOnContext(ignored -> {
      if (ws.isClosed()) {
        closed.tryComplete();
      } else {
        close(CloseReason.GOING_AWAY, "hub shutting down");
      }
    });
    return closed.future();
  }

  private void onClosed() {
    heartbeat.stop();
    for (TopicFilter filter : subscriptions) {
      channel.broker.unsubscribe(this, filter);
    }
    channel.open.remove(this);
    channel.metrics.subscriberConnectionClosed();
    int code = hubCloseReason != null ? hubCloseCode : ws.closeStatusCode() == null ? 1006 : ws.closeStatusCode();
    String reason = hubCloseReason != null ? hubCloseReason : "closed by subscriber";
    EventLog.closed(connectionId, KIND, grant.name(), remote, code, reason, "messages", delivered,
        System.currentTimeMillis() - openedAtMillis);
    closed.tryComplete();
  }
}
