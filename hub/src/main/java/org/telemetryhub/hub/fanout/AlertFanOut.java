package org.telemetryhub.hub.fanout;

import java.util.function.Consumer;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.pubsub.Broker;
import org.telemetryhub.hub.store.EventSink;

/** Where an alert event goes: the event log, the subscribers of alerts/{device}, the store's events. */
public final class AlertFanOut implements Consumer<AlertEvent> {

  private final Broker broker;
  private final EventSink events;

  public AlertFanOut(Broker broker, EventSink events) {
    this.broker = broker;
    this.events = events;
  }

  @Override
  public void accept(AlertEvent alert) {
    EventLog.alert(alert.device(), alert.rule(), alert.state(), alert.value());
    broker.publish(alert);
    events.alert(alert);
  }
}
