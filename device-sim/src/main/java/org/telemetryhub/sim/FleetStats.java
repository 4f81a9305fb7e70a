package org.telemetryhub.sim;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the fleet did, counted across every device and event loop. */
public final class FleetStats {

  final LongAdder generated = new LongAdder();
  final LongAdder sent = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder lost = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  private final LongAdder failedConnects = new LongAdder();
  private final java.util.concurrent.atomic.AtomicReference<String> lastConnectFailure = new java.util.concurrent.atomic.AtomicReference<>();
  final LongAdder malformedSent = new LongAdder();
  final LongAdder watchdogResets = new LongAdder();
  final AtomicInteger connected = new AtomicInteger();
  private final Timer ackLatency;
  private final Timer subscriberLatency;
  /** Send times of sampled readings (1 in {@value #SAMPLE_EVERY} timestamps), until a subscriber receives them. */
  private final java.util.concurrent.ConcurrentHashMap<String, Long> sampledSends = new java.util.concurrent.ConcurrentHashMap<>();
  static final int SAMPLE_EVERY = 64;
  private static final int MAX_SAMPLES_WAITING = 200_000;
  private volatile boolean sampling;
  private final long startNanos = System.nanoTime();
  private volatile long measureFromNanos = startNanos;

  public FleetStats() {
    subscriberLatency = Timer.builder("sim.subscriber.latency")
        .publishPercentiles(0.5, 0.99, 0.999)
        .percentilePrecision(2) // two significant digits: the default (one) is too coarse to compare p99s
        .distributionStatisticExpiry(Duration.ofDays(1))
        .distributionStatisticBufferLength(1)
        .register(new SimpleMeterRegistry());
    ackLatency = Timer.builder("sim.ack.latency")
        .publishPercentiles(0.5, 0.99, 0.999)
        .percentilePrecision(2)
        .distributionStatisticExpiry(Duration.ofDays(1)) // percentiles over the whole run
        .distributionStatisticBufferLength(1)
        .register(new SimpleMeterRegistry());
  }

  /** Latencies count only for readings sent from {@code warmUp} after the start on (the steady state). */
  void measureAfter(Duration warmUp) {
    measureFromNanos = startNanos + warmUp.toNanos();
  }

  void ackLatency(long sentNanos, long ackedNanos) {
    if (sentNanos - measureFromNanos >= 0) {
      ackLatency.record(ackedNanos - sentNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** A device sent a packet: remember when, for 1 in {@value #SAMPLE_EVERY} readings, if subscribers measure. */
  void sampleSend(String device, long ts, long nanos) {
    if (sampling && sampled(device, ts) && nanos - measureFromNanos >= 0 && sampledSends.size() < MAX_SAMPLES_WAITING) {
      sampledSends.put(device + '/' + ts, nanos);
    }
  }

  /**
   * Whether (device, ts) is one of the sampled readings: spread over devices and over time (with
   * whole-second timestamps, sampling by ts alone would pick every device in the same second).
   */
  private static boolean sampled(String device, long ts) {
    // Mixed (SplitMix64's finalizer), so that each (device, ts) is picked with the same odds: the hashes
    // of ids like dev-0001, dev-0002 are neighbours, and their plain sum with ts picked a few devices
    // in some seconds and none in others.
    long z = device.hashCode() * 0x9E3779B97F4A7C15L + ts;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return Math.floorMod(z ^ (z >>> 31), SAMPLE_EVERY) == 0;
  }

  /** Sampled sends no subscriber has received yet. */
  int sampledSendsWaiting() {
    return sampledSends.size();
  }

  /** From now on, a sample of the readings sent is timed until a subscriber receives them (when subscribers run). */
  void startSampling() {
    sampling = true;
  }

  /** A subscriber received a reading: device send to subscriber receipt, for the sampled ones. */
  void receivedBySubscriber(String device, long ts, long nanos) {
    if (sampled(device, ts)) {
      Long sentNanos = sampledSends.remove(device + '/' + ts);
      if (sentNanos != null) {
        subscriberLatency.record(nanos - sentNanos, TimeUnit.NANOSECONDS);
      }
    }
  }

  /** Readings generated and neither acknowledged nor lost: still in the outboxes. */
  public long waiting() {
    return generated.sum() - acked.sum() - lost.sum();
  }

  public long generated() {
    return generated.sum();
  }

  public long acked() {
    return acked.sum();
  }

  /** A connection attempt failed: the hub refused it or could not be reached; {@code why} says which. */
  void connectFailed(String why) {
    failedConnects.increment();
    lastConnectFailure.set(why);
  }

  public long failedConnects() {
    return failedConnects.sum();
  }

  /** Why the last connection attempt failed, or null when none has. */
  public String lastConnectFailure() {
    return lastConnectFailure.get();
  }

  public long reconnects() {
    return reconnects.sum();
  }

  public int connected() {
    return connected.get();
  }

  private double percentileMillis(double percentile) {
    return percentileMillis(ackLatency, percentile);
  }

  private static double percentileMillis(Timer timer, double percentile) {
    for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
      if (value.percentile() == percentile) {
        return value.value(TimeUnit.MILLISECONDS);
      }
    }
    return Double.NaN;
  }

  public String progressLine(int devices) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return String.format(Locale.ROOT,
        "t=%.0fs connected=%d/%d sent=%d acked=%d waiting=%d lost=%d reconnects=%d ack_p50=%.1fms ack_p99=%.1fms acked/s=%.0f",
        seconds, connected.get(), devices, sent.sum(), acked.sum(), waiting(), lost.sum(), reconnects.sum(),
        percentileMillis(0.5), percentileMillis(0.99), acked.sum() / Math.max(seconds, 0.001))
        + (failedConnects.sum() == 0 ? "" : " failed_connects=" + failedConnects.sum() + " last_failure=\"" + lastConnectFailure.get() + "\"");
  }

  /** The final figures; {@code missing} is every generated reading that no ack covered. */
  public JsonObject summary(int devices, Duration generating) {
    long missing = generated.sum() - acked.sum();
    double seconds = generating.toMillis() / 1000.0;
    return new JsonObject()
        .put("devices", devices)
        .put("generatingSeconds", seconds)
        .put("generated", generated.sum())
        .put("sent", sent.sum())
        .put("acked", acked.sum())
        .put("lost", lost.sum())
        .put("missing", missing)
        .put("reconnects", reconnects.sum())
        .put("failedConnects", failedConnects.sum())
        .put("lastConnectFailure", lastConnectFailure.get())
        .put("watchdogResets", watchdogResets.sum())
        .put("malformedFramesSent", malformedSent.sum())
        .put("ackedPerSecond", Math.round(acked.sum() / Math.max(seconds, 0.001)))
        .put("latencyMeasuredAfterSeconds", (measureFromNanos - startNanos) / 1e9)
        .put("ackLatencyMs", new JsonObject()
            .put("samples", ackLatency.count())
            .put("p50", round(percentileMillis(0.5)))
            .put("p99", round(percentileMillis(0.99)))
            .put("p999", round(percentileMillis(0.999))))
        .put("subscriberLatencyMs", subscriberLatency.count() == 0 ? null : new JsonObject()
            .put("samples", subscriberLatency.count())
            .put("p50", round(percentileMillis(subscriberLatency, 0.5)))
            .put("p99", round(percentileMillis(subscriberLatency, 0.99)))
            .put("p999", round(percentileMillis(subscriberLatency, 0.999))))
        .put("ok", missing == 0);
  }

  private static double round(double value) {
    return Double.isNaN(value) ? 0 : Math.round(value * 100) / 100.0;
  }
}
