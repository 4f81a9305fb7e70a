package org.telemetryhub.sim;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A fleet of simulated devices spread over the event loops, with its progress line, its chaos
 * and its final drain. {@link #start} returns at once; {@link #finish} stops generating, waits
 * for the last acks and returns the summary.
 */
public final class Fleet {

  /** How long the fleet waits for its subscribers to be subscribed before its devices start. */
  private static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(10);

  private final FleetSettings settings;
  private final Vertx vertx;
  private final WebSocketClient client;
  private final List<SimDevice> devices = new ArrayList<>();
  private final FleetStats stats = new FleetStats();
  private final Chaos chaos;
  private final PrintStream progress;
  private SubscriberLoad subscriberLoad;
  private final long startNanos = System.nanoTime();
  private long progressTimer = -1;
  private long spreadTimer = -1;
  private ThroughputSpread spread;
  private Duration generating;

  private Fleet(FleetSettings settings, Vertx vertx, PrintStream progress) {
    this.settings = settings;
    this.vertx = vertx;
    this.progress = progress;
    this.client = vertx.createWebSocketClient(settings.clientOptions()
        .setMaxConnections(settings.devices + 16) // one per device, and room for a reconnect's overlap
        .setConnectTimeout(10_000));
    this.chaos = new Chaos(vertx, devices, settings.seed);
  }

  /**
   * Starts the fleet. {@code tokens} is built with the fleet's Vert.x (minting needs one); the
   * progress line goes to {@code progress} (null: none).
   */
  public static Fleet start(FleetSettings settings, Function<Vertx, TokenSource> tokens, ReadingListener listener,
                            PrintStream progress) {
    int loops = Runtime.getRuntime().availableProcessors();
    // Subscribers get event loops of their own: a reading's arrival is not queued behind the
    // timers and acks of thousands of simulated devices, which would be measured as hub latency.
    int subscriberLoops = settings.subscribers > 0 ? loops : 0;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops + subscriberLoops)
        .setPreferNativeTransport(true));
    Fleet fleet = new Fleet(settings, vertx, progress);
    TokenSource tokenSource = tokens.apply(vertx);
    fleet.stats.measureAfter(settings.measureAfter);
    List<Context> contexts = newContexts(vertx, loops);
    if (settings.subscribers > 0) {
      fleet.subscriberLoad = SubscriberLoad.start(vertx, newContexts(vertx, subscriberLoops), settings,
          tokenSource.subscriberToken(settings.subscribeFilter), fleet.stats);
      // Devices start once the subscribers are subscribed, so that they receive the run from its start.
      if (!awaitSubscribers(fleet.subscriberLoad)) {
        System.err.println("device-sim: not every subscriber was subscribed within " + SUBSCRIBE_WAIT.toSeconds()
            + " s; the fleet starts anyway");
      }
    }
    long rampMillis = settings.rampUp.toMillis();
    for (int i = 0; i < settings.devices; i++) {
      int number = settings.firstId + i;
      String id = settings.deviceId(number);
      Context context = contexts.get(i % loops);
      SimDevice device = new SimDevice(id, number, context, settings, fleet.stats, fleet.client,
          tokenSource.tokenFor(id), listener);
      fleet.devices.add(device);
      long delay = settings.devices == 1 ? 0 : rampMillis * i / settings.devices;
      // Devices read their sensors spread over the period, not all in the same millisecond.
      double phase = (double) i / settings.devices;
      context.runOnContext(ignored -> device.start(delay, phase));
    }
    fleet.chaos.start(settings);
    fleet.spread = new ThroughputSpread(settings.devices);
    long measureFromNanos = System.nanoTime() + settings.measureAfter.toNanos();
    fleet.spreadTimer = vertx.setPeriodic(ThroughputSpread.WINDOW_MILLIS, id -> fleet.spread.window(fleet.devices,
        SimDevice::ackedTotal, System.nanoTime() - ThroughputSpread.WINDOW_MILLIS * 1_000_000 >= measureFromNanos));
    if (progress != null) {
      fleet.progressTimer = vertx.setPeriodic(settings.progressEvery.toMillis(),
          id -> progress.println(fleet.stats.progressLine(settings.devices) + fleet.spread.progress() + fleet.fanOut()));
    }
    return fleet;
  }

  private static boolean awaitSubscribers(SubscriberLoad load) {
    try {
      return load.awaitSubscribed(SUBSCRIBE_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Contexts on the next {@code count} event loops (outside a Vert.x thread, each new context takes the next loop). */
  private static List<Context> newContexts(Vertx vertx, int count) {
    List<Context> contexts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      contexts.add(vertx.getOrCreateContext());
    }
    return contexts;
  }

  public FleetStats stats() {
    return stats;
  }

  /**
   * Stops generating, waits up to the drain period for every outbox to empty, closes the
   * connections, and completes with the summary. {@link #close} afterwards.
   */
  public Future<JsonObject> finish() {
    generating = Duration.ofNanos(System.nanoTime() - startNanos);
    chaos.stop();
    vertx.cancelTimer(spreadTimer); // the drain's windows would measure the tail, not the hub's fairness
    devices.forEach(device -> device.context().runOnContext(ignored -> device.stopGenerating()));
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + settings.drain.toNanos();
    vertx.setPeriodic(50, id -> {
      if (stats.waiting() == 0 || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        drained.complete();
      }
    });
    return drained.future().compose(ignored -> {
      vertx.cancelTimer(progressTimer);
      if (progress != null) {
        progress.println(stats.progressLine(settings.devices) + fanOut());
      }
      JsonObject summary = stats.summary(settings.devices, generating).put("throughputSpread", spread.summary());
      if (subscriberLoad != null) {
        summary.put("subscribers", subscriberLoad.connected())
            .put("subscriberMessages", subscriberLoad.received())
            .put("subscriberMessagesPerSecond", Math.round(subscriberLoad.received() / (generating.toMillis() / 1000.0)));
      }
      return Future.join(devices.stream().map(SimDevice::close).toList())
          .transform(closed -> Future.succeededFuture(summary));
    });
  }

  private String fanOut() {
    if (subscriberLoad == null) {
      return "";
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return String.format(java.util.Locale.ROOT, " subscribers=%d sub_msgs=%d sub_msgs/s=%.0f", subscriberLoad.connected(),
        subscriberLoad.received(), subscriberLoad.received() / Math.max(seconds, 0.001));
  }

  /** Releases the fleet's event loops; call after {@link #finish}, off the event loops. */
  public void close() {
    vertx.close().await();
  }
}
