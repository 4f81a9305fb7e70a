package org.telemetryhub.hub.store;

/** Told, on its own Vert.x context, how many packets of its connection are now durably handled. */
@FunctionalInterface
public interface AckSink {
  void acked(long cumulativePackets);
}
