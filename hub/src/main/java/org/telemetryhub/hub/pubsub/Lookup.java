package org.telemetryhub.hub.pubsub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.liveness.DeviceView;

/**
 * The replies of one request that needs a lookup (stored readings for a resume, retained messages
 * for {@code last}), produced a page at a time as the subscriber takes them, in the order the
 * protocol promises: the request's errors, the replayed readings and the gaps of the replay limit,
 * the retained messages, then the ack. What it holds meanwhile is one page, the ids of the devices
 * the replay covers and the views of the devices whose retained messages are still to come.
 *
 * <p>Used on the subscriber connection's event loop only, one page at a time.
 */
final class Lookup {

  private final SubscriberChannel channel;
  private final SubscriberProtocol.Outcome request;
  private final Context context;
  /** What goes out first: the request's errors, then what failed when the lookup started. */
  private final List<byte[]> first;
  private StoreReplay.Replay replay;
  /** The devices with retained messages the request wants, in id order; null when it wants none. */
  private List<DeviceView> retained;
  private int retainedNext;
  private boolean finished;

  Lookup(SubscriberChannel channel, SubscriberProtocol.Outcome request, Context context) {
    this.channel = channel;
    this.request = request;
    this.context = context;
    this.first = new ArrayList<>(request.errors());
  }

  /** Waits for what the pages need: the replay's barrier and device list, the fleet's views. Completes on the context. */
  Future<Void> start() {
    Future<StoreReplay.Replay> replayed = request.replayFor().isEmpty() ? Future.succeededFuture()
        : channel.replay.start(request.replayFor(), request.since(), context);
    Future<List<DeviceView>> devices = request.retainedFor().isEmpty() ? Future.succeededFuture()
        : channel.fleet.devices();
    Promise<Void> started = Promise.promise();
    Future.join(replayed, devices).onComplete(ignored -> context.runOnContext(ignoredToo -> {
      if (replayed.succeeded()) {
        replay = replayed.result();
      } else {
        first.add(SubscriberProtocol.error("stored readings unavailable: " + replayed.cause().getMessage(), null, null));
      }
      if (devices.failed()) {
        first.add(SubscriberProtocol.error("retained messages unavailable: " + devices.cause().getMessage(), null, null));
      } else if (devices.result() != null) {
        retained = devices.result().stream().filter(view -> Messages.retainsFor(request.retainedFor(), view)).toList();
      }
      started.complete();
    }));
    return started.future();
  }

  /** True once every reply, the ack included, has been handed out. */
  boolean done() {
    return finished;
  }

  /** The next replies, at most a page; the last page holds the ack (if the request had an id). */
  Future<List<byte[]>> nextPage() {
    if (!first.isEmpty()) {
      List<byte[]> page = new ArrayList<>(first);
      first.clear();
      return Future.succeededFuture(page);
    }
    if (replay != null && !replay.done()) {
      StoreReplay.Replay reading = replay;
      return reading.nextPage().recover(failure -> {
        reading.abandon(); // the store failed mid-replay: what was sent stands, the rest is reported, not retried
        return Future.succeededFuture(List.of(
            SubscriberProtocol.error("stored readings unavailable: " + failure.getMessage(), null, null)));
      });
    }
    if (retained != null && retainedNext < retained.size()) {
      return Future.succeededFuture(retainedPage());
    }
    finished = true;
    return Future.succeededFuture(request.ack() == null ? List.of() : List.of(request.ack()));
  }

  private List<byte[]> retainedPage() {
    List<byte[]> page = new ArrayList<>(StoreReplay.PAGE_MESSAGES + 1);
    ReplayedReadings carried = replayed();
    List<TopicFilter> filters = request.retainedFor();
    while (page.size() < StoreReplay.PAGE_MESSAGES && retainedNext < retained.size()) {
      Messages.retained(filters, retained.get(retainedNext++), carried, page);
    }
    if (retainedNext == retained.size()) {
      retained = List.of(); // let the views go before the ack is written
      retainedNext = 0;
    }
    return page;
  }

  /** The readings the replay carried: complete once the replay's pages are all out. */
  ReplayedReadings replayed() {
    return replay == null ? ReplayedReadings.NONE : replay.replayed();
  }
}
