package org.telemetryhub.hub.pubsub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.address.Topics;
import org.telemetryhub.hub.liveness.DeviceView;
import org.telemetryhub.hub.liveness.FleetView;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreException;
import org.telemetryhub.hub.store.StoreWriter;

/**
 * Resume from the store: the stored readings with {@code ts > since} of every device a subscriber's
 * readings filters match, oldest first per device, at most {@code limit} per request; what the
 * limit cuts off is reported as a gap per device. It reads only after every reading submitted
 * before the subscription is committed ({@link StoreWriter#barrier}): with live messages held from
 * the subscription on, each reading comes either from the store or live, and the connection drops
 * the live copies of what was replayed.
 */
public final class StoreReplay {

  /** The readings to send, the gaps to report, and which (device, ts) were sent, for the seam. */
  record Result(List<byte[]> messages, List<byte[]> gaps, Set<String> sent) {

    static final Result NONE = new Result(List.of(), List.of(), Set.of());

    boolean sent(String device, long ts) {
      return sent.contains(key(device, ts));
    }
  }

  /** How long a replay waits for earlier readings to be committed: a store that fails that long fails the replay. */
  private static final long BARRIER_TIMEOUT_MILLIS = 5_000;
  /** Readings stamped this far ahead of the hub's clock are still replayed (the validator allows minutes). */
  private static final long FUTURE_SECONDS = 86_400;

  private final ReadingStore store;
  private final StoreWriter writer;
  private final Supplier<Future<Void>> otherNodes;
  private final FleetView fleet;
  private final int limit;

  /**
   * @param otherNodes in a cluster, the barrier of the other nodes (they have seen the subscription
   *                   and committed what they had taken by then); null on one hub
   */
  public StoreReplay(ReadingStore store, StoreWriter writer, Supplier<Future<Void>> otherNodes, FleetView fleet, int limit) {
    this.store = store;
    this.writer = writer;
    this.otherNodes = otherNodes;
    this.fleet = fleet;
    this.limit = limit;
  }

  /** The replay for {@code filters} after {@code since} (epoch seconds); completes on {@code context}. */
  Future<Result> replay(Collection<TopicFilter> filters, long since, Context context) {
    Promise<Void> committed = Promise.promise();
    Future<Void> here = writer.barrier(context);
    Future<Void> everywhere = otherNodes == null ? here : Future.all(here, otherNodes.get()).mapEmpty();
    everywhere.onComplete(result -> context.runOnContext(ignored -> {
      if (result.succeeded()) {
        committed.tryComplete();
      } else {
        committed.tryFail(result.cause());
      }
    }));
    long timer = context.owner().setTimer(BARRIER_TIMEOUT_MILLIS, id -> committed.tryFail(
        new StoreException("the store did not commit the readings before the subscription within "
            + BARRIER_TIMEOUT_MILLIS / 1000 + " s" + (writer.failure() == null ? "" : ": " + writer.failure()), null)));
    return committed.future()
        .onComplete(ignored -> context.owner().cancelTimer(timer))
        .compose(ignored -> fleet.devices())
        .compose(views -> context.owner().executeBlocking(() -> read(filters, views, since), false));
  }

  private Result read(Collection<TopicFilter> filters, List<DeviceView> views, long since) throws StoreException {
    Set<String> devices = new TreeSet<>();
    for (DeviceView view : views) {
      if (filters.stream().anyMatch(filter -> filter.matches(Topics.READINGS, view.device()))) {
        devices.add(view.device());
      }
    }
    for (TopicFilter filter : filters) {
      if (filter.device() != null && filter.matches(Topics.READINGS, filter.device())) {
        devices.add(filter.device());
      }
    }
    long until = System.currentTimeMillis() / 1000 + FUTURE_SECONDS;
    List<byte[]> messages = new ArrayList<>();
    List<byte[]> gaps = new ArrayList<>();
    Set<String> sent = new HashSet<>();
    int remaining = limit;
    for (String device : devices) {
      List<Reading> rows = store.query(device, since + 1, until, remaining + 1);
      int take = Math.min(rows.size(), remaining);
      for (Reading reading : rows.subList(0, take)) {
        messages.add(Messages.reading(reading));
        sent.add(key(device, reading.ts()));
      }
      remaining -= take;
      if (rows.size() > take) {
        long from = rows.get(take).ts();
        long to = store.latestTimestamp(device);
        gaps.add(gap(Topics.topic(Topics.READINGS, device), from, to, store.count(device, from, to), "replay-limit"));
      }
    }
    return new Result(messages, gaps, sent);
  }

  static String key(String device, long ts) {
    return device + '\n' + ts;
  }

  /** A {@code $hub/gap} message: what a subscriber did not get on one channel, and why. */
  static byte[] gap(String channel, Long from, Long to, long count, String reason) {
    JsonObject payload = new JsonObject().put("channel", channel);
    if (from != null) {
      payload.put("from", from).put("to", to);
    }
    return Messages.envelope(Topics.CONTROL_GAP, payload.put("count", count).put("reason", reason));
  }
}
