package org.telemetryhub.hub.metrics;

import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import org.telemetryhub.hub.liveness.DeviceState;
import org.telemetryhub.hub.protocol.RejectReason;

/**
 * What the hub measures. Tag values come only from enums, so their number stays bounded: a
 * device id is never a tag.
 */
public interface HubMetrics {

  void deviceConnectionOpened();

  void deviceConnectionClosed();

  void authRefused();

  void readingsReceived(int count);

  void readingsStored(int count);

  void readingRejected(RejectReason reason);

  void connectionClosedForInvalidFrame(InvalidFrame reason);

  void storeBatch(int readings, long nanos);

  void storeFailure();

  void ackLatency(long nanos);

  void heartbeatTimeout();

  void subscriberConnectionOpened();

  void subscriberConnectionClosed();

  /** A published message was written to a subscriber's socket, {@code nanos} after the hub published it. */
  void subscriberMessageDelivered(long nanos);

  void subscriberMessagesLost(LossPolicy policy, long count);

  void registerDeviceStates(ToIntFunction<DeviceState> devicesInState);

  void registerStoreQueue(IntSupplier queuedReadings);

  /** A connection was refused at accept because of a limit. */
  void connectionRefused(ConnectionRefusal refusal);

  /** A connection was closed because it missed the deadline of a phase. */
  void connectionTimedOut(ConnectionPhase phase);

  /** A WebSocket upgrade was refused with 429: its address handshakes faster than allowed. */
  void handshakeRateLimited();

  void registerConnections(IntSupplier openConnections);

  HubMetrics NOOP = new HubMetrics() {
    @Override public void deviceConnectionOpened() { }
    @Override public void deviceConnectionClosed() { }
    @Override public void authRefused() { }
    @Override public void readingsReceived(int count) { }
    @Override public void readingsStored(int count) { }
    @Override public void readingRejected(RejectReason reason) { }
    @Override public void connectionClosedForInvalidFrame(InvalidFrame reason) { }
    @Override public void storeBatch(int readings, long nanos) { }
    @Override public void storeFailure() { }
    @Override public void ackLatency(long nanos) { }
    @Override public void heartbeatTimeout() { }
    @Override public void subscriberConnectionOpened() { }
    @Override public void subscriberConnectionClosed() { }
    @Override public void subscriberMessageDelivered(long nanos) { }
    @Override public void subscriberMessagesLost(LossPolicy policy, long count) { }
    @Override public void registerDeviceStates(ToIntFunction<DeviceState> devicesInState) { }
    @Override public void registerStoreQueue(IntSupplier queuedReadings) { }
    @Override public void connectionRefused(ConnectionRefusal refusal) { }
    @Override public void connectionTimedOut(ConnectionPhase phase) { }
    @Override public void handshakeRateLimited() { }
    @Override public void registerConnections(IntSupplier openConnections) { }
  };
}
