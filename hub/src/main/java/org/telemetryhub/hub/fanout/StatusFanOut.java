package org.telemetryhub.hub.fanout;

import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.liveness.StatusListener;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.pubsub.Broker;
import org.telemetryhub.hub.store.EventSink;

/** Where a device's state transition goes: the event log, the subscribers of status/{device}, the store's events. */
public final class StatusFanOut implements StatusListener {

  private final Broker broker;
  private final EventSink events;

  public StatusFanOut(Broker broker, EventSink events) {
    this.broker = broker;
    this.events = events;
  }

  @Override
  public void onTransition(DeviceStatus status) {
    EventLog.status(status.device(), status.state().wireName(), status.reason());
    broker.publish(status);
    events.status(status);
  }
}
