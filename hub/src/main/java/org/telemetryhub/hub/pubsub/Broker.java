package org.telemetryhub.hub.pubsub;

import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.protocol.Reading;

/**
 * Where readings, status changes and alerts are published and subscribers subscribe. Callers use
 * this seam only; {@link LocalBroker} is the in-process implementation, and a cluster adds one
 * that reaches the subscribers of other nodes too. Safe to call from any event loop.
 */
public interface Broker {

  void publish(Reading reading);

  void publish(DeviceStatus status);

  void publish(AlertEvent alert);

  void subscribe(Subscriber subscriber, TopicFilter filter);

  void unsubscribe(Subscriber subscriber, TopicFilter filter);
}
