package org.telemetryhub.hub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import org.telemetryhub.hub.liveness.DeviceState;
import org.telemetryhub.hub.protocol.RejectReason;

/** {@link HubMetrics} on a Micrometer registry; meter names are the constants below. */
public final class MicrometerHubMetrics implements HubMetrics {

  public static final String CONNECTIONS_ACTIVE = "hub.device.connections.active";
  public static final String CONNECTIONS_OPENED = "hub.device.connections.opened";
  public static final String AUTH_REFUSED = "hub.device.auth.refused";
  public static final String READINGS_RECEIVED = "hub.readings.received";
  public static final String READINGS_STORED = "hub.readings.stored";
  public static final String READINGS_REJECTED = "hub.readings.rejected";
  public static final String INVALID_FRAMES = "hub.frames.invalid";
  public static final String STORE_BATCH_SIZE = "hub.store.batch.size";
  public static final String STORE_BATCH_LATENCY = "hub.store.batch.latency";
  public static final String STORE_FAILURES = "hub.store.failures";
  public static final String STORE_QUEUE = "hub.store.queue.readings";
  public static final String ACK_LATENCY = "hub.ack.latency";
  public static final String DEVICES = "hub.devices";
  public static final String HEARTBEAT_TIMEOUTS = "hub.heartbeat.timeouts";
  public static final String SUBSCRIBERS_ACTIVE = "hub.subscriber.connections.active";
  public static final String SUBSCRIBER_DELIVERED = "hub.subscriber.messages.delivered";
  public static final String SUBSCRIBER_LOST = "hub.subscriber.messages.lost";
  public static final String SUBSCRIBER_LATENCY = "hub.subscriber.delivery.latency";
  public static final String TCP_CONNECTIONS = "hub.tcp.connections";
  public static final String CONNECTIONS_REFUSED = "hub.tcp.connections.refused";
  public static final String CONNECTIONS_TIMED_OUT = "hub.tcp.connections.timed.out";
  public static final String HANDSHAKES_RATE_LIMITED = "hub.handshakes.rate.limited";

  private final MeterRegistry registry;
  private final AtomicInteger activeConnections = new AtomicInteger();
  private final Counter connectionsOpened;
  private final Counter authRefused;
  private final Counter readingsReceived;
  private final Counter readingsStored;
  private final Map<RejectReason, Counter> readingsRejected = new EnumMap<>(RejectReason.class);
  private final Map<InvalidFrame, Counter> invalidFrames = new EnumMap<>(InvalidFrame.class);
  private final DistributionSummary batchSize;
  private final Timer batchLatency;
  private final Counter storeFailures;
  private final Timer ackLatency;
  private final Counter heartbeatTimeouts;
  private final AtomicInteger activeSubscribers = new AtomicInteger();
  private final Counter subscriberDelivered;
  private final Timer subscriberLatency;
  private final Map<LossPolicy, Counter> subscriberLost = new EnumMap<>(LossPolicy.class);
  private final Map<ConnectionRefusal, Counter> connectionsRefused = new EnumMap<>(ConnectionRefusal.class);
  private final Map<ConnectionPhase, Counter> connectionsTimedOut = new EnumMap<>(ConnectionPhase.class);
  private final Counter handshakesRateLimited;

  public MicrometerHubMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(CONNECTIONS_ACTIVE, activeConnections, AtomicInteger::get)
        .description("Open device WebSocket connections").register(registry);
    connectionsOpened = Counter.builder(CONNECTIONS_OPENED)
        .description("Device WebSocket connections accepted").register(registry);
    authRefused = Counter.builder(AUTH_REFUSED)
        .description("Device upgrades refused for missing or bad credentials").register(registry);
    readingsReceived = Counter.builder(READINGS_RECEIVED)
        .description("Packets received from devices in well-formed frames").register(registry);
    readingsStored = Counter.builder(READINGS_STORED)
        .description("Readings durably stored").register(registry);
    for (RejectReason reason : RejectReason.values()) {
      readingsRejected.put(reason, Counter.builder(READINGS_REJECTED).tag("reason", reason.tag())
          .description("Readings not stored because they failed validation").register(registry));
    }
    for (InvalidFrame reason : InvalidFrame.values()) {
      invalidFrames.put(reason, Counter.builder(INVALID_FRAMES).tag("reason", reason.tag())
          .description("Device connections closed for a malformed frame").register(registry));
    }
    // Fixed buckets up to the largest batch a lane may take (--batch-size is at most 10,000):
    // a percentile histogram would publish 276 buckets up to 4e18 readings.
    batchSize = DistributionSummary.builder(STORE_BATCH_SIZE)
        .description("Readings per storage batch")
        .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000)
        .register(registry);
    batchLatency = Timer.builder(STORE_BATCH_LATENCY)
        .description("Time to write and commit one storage batch").publishPercentileHistogram().register(registry);
    storeFailures = Counter.builder(STORE_FAILURES)
        .description("Storage batch attempts that failed (and were retried)").register(registry);
    ackLatency = Timer.builder(ACK_LATENCY)
        .description("Time from the arrival of the oldest frame an ack covers to the ack (its readings durable)")
        .publishPercentileHistogram().register(registry);
    heartbeatTimeouts = Counter.builder(HEARTBEAT_TIMEOUTS)
        .description("Connections terminated because nothing arrived within the heartbeat timeout").register(registry);
    Gauge.builder(SUBSCRIBERS_ACTIVE, activeSubscribers, AtomicInteger::get)
        .description("Open subscriber WebSocket connections").register(registry);
    subscriberDelivered = Counter.builder(SUBSCRIBER_DELIVERED)
        .description("Messages written to subscriber sockets").register(registry);
    subscriberLatency = Timer.builder(SUBSCRIBER_LATENCY)
        .description("Time from a reading's arrival (its publication) to its write into a subscriber's socket")
        .publishPercentileHistogram().register(registry);
    for (LossPolicy policy : LossPolicy.values()) {
      subscriberLost.put(policy, Counter.builder(SUBSCRIBER_LOST).tag("policy", policy.tag())
          .description("Messages a slow subscriber lost, by its policy").register(registry));
    }
    for (ConnectionRefusal refusal : ConnectionRefusal.values()) {
      connectionsRefused.put(refusal, Counter.builder(CONNECTIONS_REFUSED).tag("reason", refusal.tag())
          .description("TCP connections refused at accept by a connection limit").register(registry));
    }
    for (ConnectionPhase phase : ConnectionPhase.values()) {
      connectionsTimedOut.put(phase, Counter.builder(CONNECTIONS_TIMED_OUT).tag("phase", phase.tag())
          .description("TCP connections closed for missing a deadline: headers, upgrade or idle").register(registry));
    }
    handshakesRateLimited = Counter.builder(HANDSHAKES_RATE_LIMITED)
        .description("WebSocket upgrades refused with 429: the address handshakes faster than allowed").register(registry);
  }

  @Override public void connectionRefused(ConnectionRefusal refusal) {
    connectionsRefused.get(refusal).increment();
  }

  @Override public void connectionTimedOut(ConnectionPhase phase) {
    connectionsTimedOut.get(phase).increment();
  }

  @Override public void handshakeRateLimited() {
    handshakesRateLimited.increment();
  }

  @Override public void registerConnections(IntSupplier openConnections) {
    Gauge.builder(TCP_CONNECTIONS, openConnections::getAsInt)
        .description("TCP connections the hub holds: devices, subscribers and HTTP clients").register(registry);
  }

  @Override public void subscriberConnectionOpened() {
    activeSubscribers.incrementAndGet();
  }

  @Override public void subscriberConnectionClosed() {
    activeSubscribers.decrementAndGet();
  }

  @Override public void subscriberMessageDelivered(long nanos) {
    subscriberDelivered.increment();
    subscriberLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override public void subscriberMessagesLost(LossPolicy policy, long count) {
    subscriberLost.get(policy).increment(count);
  }

  @Override public void deviceConnectionOpened() {
    activeConnections.incrementAndGet();
    connectionsOpened.increment();
  }

  @Override public void deviceConnectionClosed() {
    activeConnections.decrementAndGet();
  }

  @Override public void authRefused() {
    authRefused.increment();
  }

  @Override public void readingsReceived(int count) {
    readingsReceived.increment(count);
  }

  @Override public void readingsStored(int count) {
    readingsStored.increment(count);
  }

  @Override public void readingRejected(RejectReason reason) {
    readingsRejected.get(reason).increment();
  }

  @Override public void connectionClosedForInvalidFrame(InvalidFrame reason) {
    invalidFrames.get(reason).increment();
  }

  @Override public void storeBatch(int readings, long nanos) {
    batchSize.record(readings);
    batchLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override public void storeFailure() {
    storeFailures.increment();
  }

  @Override public void ackLatency(long nanos) {
    ackLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override public void heartbeatTimeout() {
    heartbeatTimeouts.increment();
  }

  @Override public void registerDeviceStates(ToIntFunction<DeviceState> devicesInState) {
    for (DeviceState state : DeviceState.values()) {
      Gauge.builder(DEVICES, () -> devicesInState.applyAsInt(state))
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .description("Known devices by liveness state").register(registry);
    }
  }

  @Override public void registerStoreQueue(IntSupplier queuedReadings) {
    Gauge.builder(STORE_QUEUE, queuedReadings::getAsInt)
        .description("Readings waiting for storage").register(registry);
  }
}
