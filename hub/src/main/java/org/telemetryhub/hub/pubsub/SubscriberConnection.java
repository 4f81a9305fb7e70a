package org.telemetryhub.hub.pubsub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.auth.SubscriberGrant;
import org.telemetryhub.hub.websocket.CloseCause;
import org.telemetryhub.hub.websocket.HubWebSocket.PauseReason;
import org.telemetryhub.hub.websocket.HubWebSocket;
import org.telemetryhub.hub.internals.BurstWriter;
import org.telemetryhub.hub.internals.WebSocketInternals;

/**
 * One subscriber's connection: its requests (the {@link SubscriberProtocol}), its subscriptions
 * and its bounded queue; the socket's lifecycle (frames, heartbeat, closing) is its
 * {@link HubWebSocket}. Requests, writes and the close run on the connection's event loop;
 * {@link #offer} is called by publishers on any event loop.
 */
final class SubscriberConnection implements Subscriber, HubWebSocket.Owner {

  /** Bytes Netty may hold for this socket before the hub's own queue (and its policy) takes over. */
  private static final int SOCKET_WRITE_QUEUE_BYTES = 64 * 1024;
  private static final long LOST_REPORT_INTERVAL_MILLIS = 1_000;
  private static final int MESSAGES_PER_TURN = 4096;
  /** Replies waiting beyond this stop the hub reading the subscriber's requests until half of them are written. */
  static final int PAUSE_REQUESTS_AT_BYTES = 64 * 1024;
  /** A lookup's next page is queued only while the replies waiting are under this: at most about a budget waits. */
  private static final int NEXT_PAGE_BELOW_BYTES = PAUSE_REQUESTS_AT_BYTES / 2;

  private final SubscriberChannel channel;
  private final HubWebSocket socket;
  private final ServerWebSocket ws;
  private final Context context;
  private final SubscriberGrant grant;
  private final SubscriberQueue queue;
  private final BurstWriter writer;
  private final Set<TopicFilter> subscriptions = new LinkedHashSet<>();
  /** Where the replies of a lookup (stored and retained messages) meet the live messages. */
  private final ResumeSeam seam;
  /** The request being answered a page at a time, or null: one at a time, since no request is read meanwhile. */
  private Lookup lookup;
  /** True while the hub works for the lookup (a page, the barrier): the next page waits for it. */
  private boolean fetching;
  private long delivered;
  /** Whether this connection took one of the channel's slots (and gives it back when it closes). */
  private boolean holdsSlot;
  private long lastLostReportMillis;
  private boolean lostReportPending;

  SubscriberConnection(SubscriberChannel channel, ServerWebSocket ws, Context context, String connectionId,
                       SubscriberGrant grant) {
    this.channel = channel;
    this.ws = ws;
    this.context = context;
    this.grant = grant;
    this.queue = new SubscriberQueue(channel.limits.queueCapacity(), channel.limits.queueBytes(),
        (policy, count) -> channel.metrics.subscriberMessagesLost(policy.metricTag(), count));
    this.seam = new ResumeSeam(queue, (millis, action) -> context.owner().setTimer(millis, id -> action.run()));
    this.writer = WebSocketInternals.burstWriter(ws);
    this.socket = new HubWebSocket(ws, context, connectionId, HubWebSocket.Kind.SUBSCRIBER, grant.name(), grant.credentials(),
        channel.socketSettings, channel.metrics, this);
  }

  /**
   * Opens the connection, or closes it at once with 1008 when the hub holds as many subscribers as
   * it may, in all or for this token's name.
   */
  void start() {
    ws.setWriteQueueMaxSize(SOCKET_WRITE_QUEUE_BYTES);
    String full = channel.slots.take(grant.credentials());
    holdsSlot = full == null;
    channel.open.add(this);
    socket.start();
    if (full != null) {
      socket.close(CloseCause.SUBSCRIBER_LIMIT, full);
    }
  }

  // ---- requests ----

  @Override
  public void onMessage(WebSocketFrameType type, Buffer message) {
    SubscriberProtocol.Outcome outcome = type == WebSocketFrameType.TEXT
        ? channel.protocol.handle(message.toString(StandardCharsets.UTF_8), grant, subscriptions)
        : SubscriberProtocol.refused("binary frames are not accepted: send JSON text", null);
    if (outcome.policy() != null) {
      queue.policy(outcome.policy());
    }
    for (TopicFilter filter : outcome.add()) {
      subscriptions.add(filter);
      channel.broker.subscribe(this, filter);
    }
    for (TopicFilter filter : outcome.remove()) {
      subscriptions.remove(filter);
      channel.broker.unsubscribe(this, filter);
    }
    if (!outcome.looksUp()) {
      List<byte[]> replies = new ArrayList<>(outcome.errors());
      if (outcome.ack() != null) {
        replies.add(outcome.ack());
      }
      reply(replies);
      return;
    }
    // Stored readings (resume) and retained messages come first, then the ack, then live messages:
    // live messages wait in the queue meanwhile (under its bounds), and no further request is read
    // until this one is answered and its replies are within the budget. The replies are looked up
    // a page at a time as the subscriber reads them (pump).
    seam.hold();
    socket.pause(PauseReason.REPLIES_WAITING);
    lookup = new Lookup(channel, outcome, context);
    fetch(lookup.start());
  }

  /**
   * Queues the next pages of the lookup under way while the replies waiting stay under
   * {@link #NEXT_PAGE_BELOW_BYTES}; finishes it after its last page. Called when it starts, after
   * each page, and whenever the socket has taken replies.
   */
  private void pump() {
    while (lookup != null && !fetching && queue.controlBytes() < NEXT_PAGE_BELOW_BYTES) {
      if (lookup.done()) {
        finishLookup();
        return;
      }
      Future<List<byte[]>> page = lookup.nextPage();
      if (!page.isComplete()) {
        fetch(page.map(messages -> {
          act(queue.control(messages));
          return null;
        }));
        return;
      }
      act(queue.control(page.result()));
    }
  }

  /** While the hub works for the lookup (the store, other nodes), the socket waits for it, heartbeat excused. */
  private void fetch(Future<?> work) {
    fetching = true;
    socket.pause(PauseReason.LOOKUP);
    Lookup current = lookup;
    work.onComplete(result -> context.runOnContext(ignored -> {
      if (lookup != current) {
        return; // the connection closed meanwhile
      }
      fetching = false;
      socket.resume(PauseReason.LOOKUP);
      if (result.failed()) {
        act(queue.control(List.of(SubscriberProtocol.error("lookup failed: " + result.cause().getMessage(), null, null))));
      }
      pump();
    }));
  }

  /** Every reply of the lookup is queued: the held live messages follow, less the readings the replay carried. */
  private void finishLookup() {
    ReplayedReadings replayed = lookup.replayed();
    lookup = null;
    seam.release(replayed);
    act(queue.control(List.of()));
    resumeRequestsIfReplied();
  }

  /** Requests are read again once no lookup is under way and the replies waiting are down to half the budget. */
  private void resumeRequestsIfReplied() {
    if (lookup == null && socket.pausedFor(PauseReason.REPLIES_WAITING) && queue.controlBytes() <= PAUSE_REQUESTS_AT_BYTES / 2) {
      socket.resume(PauseReason.REPLIES_WAITING);
    }
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
    if (queue.controlBytes() > PAUSE_REQUESTS_AT_BYTES) {
      socket.pause(PauseReason.REPLIES_WAITING);
    }
  }

  // ---- delivery ----

  /** Called by publishers on any event loop. */
  @Override
  public void offer(Published message, long publishedNanos) {
    if (seam.lateCopy(message)) {
      return; // the replay carried it
    }
    act(queue.offer(message, publishedNanos));
  }

  private void act(SubscriberQueue.Outcome outcome) {
    switch (outcome) {
      case SCHEDULE_FLUSH -> context.runOnContext(ignored -> flush());
      case DISCONNECT -> context.runOnContext(ignored -> socket.close(CloseCause.TOO_SLOW, "subscriber too slow: its queue of "
          + channel.limits.queueCapacity() + " messages or " + channel.limits.queueBytes() + " bytes is full"));
      default -> { }
    }
  }

  /**
   * Writes queued messages in bursts, one system call each, until the queue is empty or the
   * socket is full (then the rest waits for room, under the queue's policy). At most
   * {@link #MESSAGES_PER_TURN} per call, so one busy subscriber cannot hold its event loop.
   */
  private void flush() {
    if (ws.isClosed() || socket.closing()) {
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
    if (lookup != null) {
      pump();
    } else {
      resumeRequestsIfReplied();
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

  /**
   * Tells the subscriber what it lost since the last report, at most once a second and only once
   * the replies before have been written: how many on $hub/lost, and on $hub/gap each channel
   * (at most 256, the rest under "#") with the ts range and count of what it did not get.
   */
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
    List<byte[]> report = queue.lossReport();
    if (report != null) {
      lastLostReportMillis = System.currentTimeMillis();
      reply(report);
    }
  }

  // ---- lifecycle ----

  @Override
  public void onClosed(int code, String reason) {
    lookup = null;
    if (holdsSlot) {
      holdsSlot = false;
      channel.slots.give(grant.credentials());
    }
    for (TopicFilter filter : subscriptions) {
      channel.broker.unsubscribe(this, filter);
    }
    channel.open.remove(this);
  }

  @Override
  public long count() {
    return delivered;
  }

  /** Ends the session if its token's secret is not among {@code accepted} any more. */
  void endIfSecretRetired(Set<String> accepted) {
    socket.endIfSecretRetired(accepted);
  }

  /** Ends the session if its token is one of those revoked under {@code key}. */
  void endIfRevoked(String key) {
    if (grant.credentials().revocationKey().equals(key)) {
      socket.endRevoked();
    }
  }

  Future<Void> closeForShutdown() {
    return socket.closeForShutdown();
  }
}
