package org.telemetryhub.hub.pubsub;

/** A receiver of published messages: one subscriber connection. */
public interface Subscriber {

  /**
   * A message for this subscriber (its bytes shared with every other recipient, never changed) and
   * when it was published ({@code System.nanoTime()}). Called on any event loop; must not block.
   */
  void offer(Published message, long publishedNanos);
}
