package org.telemetryhub.hub.pubsub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.telemetryhub.hub.auth.SubscriberGrant;
import org.telemetryhub.hub.liveness.Heartbeat;
import org.telemetryhub.hub.logging.EventLog;

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
  private static final short TRY_AGAIN_LATER = 1013;
  private static final short GOING_AWAY = 1001;
  private static final int MESSAGES_PER_TURN = 4096;

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
    this.queue = new SubscriberQueue(channel.limits.queueCapacity());
    this.writer = new FrameWriter(ws);
    this.heartbeat = new Heartbeat(context.owner(), ws, channel.heartbeatInterval, channel.heartbeatTimeout,
        this::terminateForHeartbeatTimeout);
  }

  void start() {
    ws.setWriteQueueMaxSize(SOCKET_WRITE_QUEUE_BYTES);
    ws.textMessageHandler(this::onRequest);
    ws.binaryMessageHandler(binary -> {
      heartbeat.heard();
      reply(error("binary frames are not accepted: send JSON text", null, null));
    });
    ws.exceptionHandler(ignored -> { }); // a failing socket ends in the close handler, which logs it
    ws.closeHandler(ignored -> onClosed());
    channel.open.add(this);
    channel.metrics.subscriberConnectionOpened();
    EventLog.opened(connectionId, KIND, grant.name(), remote);
    heartbeat.start();
  }

  // ---- requests ----

  private void onRequest(String text) {
    heartbeat.heard();
    JsonObject request;
    try {
      request = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      reply(error("malformed request: not a JSON object", null, null));
      return;
    }
    Object id = request.getValue("id");
    if (id != null && !(id instanceof String) && !(id instanceof Number)) {
      reply(error("'id' must be a string or a number", null, null));
      return;
    }
    Object action = request.getValue("action");
    if (!"subscribe".equals(action) && !"unsubscribe".equals(action)) {
      reply(error(action == null ? "missing 'action': subscribe or unsubscribe"
          : "unknown action '" + action + "': subscribe or unsubscribe", id, null));
      return;
    }
    Object channels = request.getValue("channels");
    if (!(channels instanceof JsonArray list) || list.isEmpty()) {
      reply(error("'channels' must be a non-empty array of channel filters", id, null));
      return;
    }
    if (list.size() > channel.limits.maxChannelsPerRequest()) {
      reply(error("too many channels in one request: " + list.size() + " > " + channel.limits.maxChannelsPerRequest(), id, null));
      return;
    }
    if ("subscribe".equals(action)) {
      subscribe(request, list, id);
    } else {
      unsubscribe(list, id);
    }
  }

  private void subscribe(JsonObject request, JsonArray channels, Object id) {
    List<byte[]> replies = new ArrayList<>();
    Object policy = request.getValue("policy");
    if (policy != null) {
      try {
        queue.policy(SlowPolicy.fromWire(String.valueOf(policy)));
      } catch (IllegalArgumentException e) {
        reply(error(e.getMessage(), id, null));
        return;
      }
    }
    List<TopicFilter> added = new ArrayList<>();
    for (Object entry : channels) {
      String text = String.valueOf(entry);
      TopicFilter filter;
      try {
        filter = TopicFilter.parse(entry instanceof String ? text : null);
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
    if (Boolean.TRUE.equals(request.getValue("last")) && !added.isEmpty()) {
      replies.addAll(channel.broker.retained(added));
    }
    if (id != null) {
      replies.add(ack(id));
    }
    reply(replies);
  }

  private void unsubscribe(JsonArray channels, Object id) {
    List<byte[]> replies = new ArrayList<>();
    for (Object entry : channels) {
      String text = String.valueOf(entry);
      try {
        TopicFilter filter = TopicFilter.parse(entry instanceof String ? text : null);
        if (subscriptions.remove(filter)) {
          channel.broker.unsubscribe(this, filter);
        }
      } catch (IllegalArgumentException e) {
        replies.add(error(e.getMessage(), id, text));
      }
    }
    if (id != null) {
      replies.add(ack(id));
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

  private void reply(List<byte[]> messages) {
    if (!messages.isEmpty()) {
      act(queue.control(messages));
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
      channel.metrics.subscriberMessagesLost(queue.policy(), lost);
      reply(Messages.lost(lost, queue.lostTotal(), queue.policy()));
    }
  }

  private void disconnectSlow() {
    close(TRY_AGAIN_LATER, "subscriber too slow: queue of " + channel.limits.queueCapacity() + " messages full");
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
    hubCloseCode = 1006;
    hubCloseReason = "heartbeat timeout";
    Heartbeat.terminate(ws);
  }

  Future<Void> closeForShutdown() {
    context.runOnContext(ignored -> {
      if (ws.isClosed()) {
        closed.tryComplete();
      } else {
        close(GOING_AWAY, "hub shutting down");
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
