package org.telemetryhub.hub.pubsub;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
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
 *
 * <p>A replay is read in pages ({@link Replay#nextPage}) as the subscriber takes them, never as a
 * whole: what one request holds at a time is one page and the list of devices it covers.
 */
public final class StoreReplay {

  /** Messages per page: a page is read from the store when the subscriber has room for it. */
  static final int PAGE_MESSAGES = 128;
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

  /**
   * The replay for {@code filters} after {@code since} (epoch seconds), ready to read once every
   * reading submitted before this call is committed; completes on {@code context}.
   */
  Future<Replay> start(Collection<TopicFilter> filters, long since, Context context) {
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
        .map(views -> new Replay(devices(filters, views), since, context));
  }

  /** The devices whose readings one of {@code filters} matches, by id: the known ones, and any a filter names. */
  private static List<String> devices(Collection<TopicFilter> filters, List<DeviceView> views) {
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
    return new ArrayList<>(devices);
  }

  /**
   * One request's replay, read a page at a time: the devices in id order, each device's readings
   * oldest first, then, once the limit is reached, a gap for each device with more. Pages are read
   * one after the other (never two at once) on worker threads.
   */
  final class Replay {
    private final List<String> devices;
    private final long since;
    private final long until = System.currentTimeMillis() / 1000 + FUTURE_SECONDS;
    private final Context context;
    private final ReplayedReadings replayed = new ReplayedReadings();
    private int index;
    private long from;
    private int remaining = limit;

    private Replay(List<String> devices, long since, Context context) {
      this.devices = devices;
      this.since = since;
      this.from = since + 1;
      this.context = context;
    }

    boolean done() {
      return index >= devices.size();
    }

    /** Gives up the rest of the replay (the store failed): {@link #done()} from now on. */
    void abandon() {
      index = devices.size();
    }

    /** The next page of messages (readings, then gaps); completes on the replay's context. */
    Future<List<byte[]>> nextPage() {
      return context.owner().executeBlocking(this::readPage, false);
    }

    /** The readings this replay sent so far: complete once {@link #done()}. */
    ReplayedReadings replayed() {
      return replayed;
    }

    private List<byte[]> readPage() throws StoreException {
      List<byte[]> messages = new ArrayList<>(PAGE_MESSAGES);
      while (messages.size() < PAGE_MESSAGES && !done()) {
        String device = devices.get(index);
        if (remaining == 0) {
          // The limit is reached: each device with more after 'since' gets a gap.
          List<Reading> rows = store.query(device, from, until, 1);
          if (!rows.isEmpty()) {
            messages.add(gapAfter(device, rows.get(0).ts()));
          }
          nextDevice();
          continue;
        }
        int want = Math.min(PAGE_MESSAGES - messages.size(), remaining);
        List<Reading> rows = store.query(device, from, until, want + 1);
        int take = Math.min(rows.size(), want);
        for (Reading reading : rows.subList(0, take)) {
          messages.add(Messages.reading(reading));
          replayed.add(device, reading.ts());
        }
        remaining -= take;
        if (rows.size() <= take) {
          nextDevice();
        } else if (remaining == 0) {
          messages.add(gapAfter(device, rows.get(take).ts()));
          nextDevice();
        } else {
          from = rows.get(take - 1).ts() + 1; // the page is full: this device goes on in the next one
        }
      }
      return messages;
    }

    private void nextDevice() {
      index++;
      from = since + 1;
    }

    /** The gap of a device whose readings from {@code first} on the limit cut off. */
    private byte[] gapAfter(String device, long first) throws StoreException {
      long last = store.latestTimestamp(device);
      return gap(Topics.topic(Topics.READINGS, device), first, last, store.count(device, first, last), "replay-limit");
    }
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
