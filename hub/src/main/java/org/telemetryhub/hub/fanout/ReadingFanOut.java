package org.telemetryhub.hub.fanout;

import java.util.function.Consumer;
import org.telemetryhub.hub.alerts.AlertEngine;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.pubsub.Broker;

/**
 * Where a valid reading goes as it arrives, beside the store: to the subscribers (through the
 * broker) and to the alert engine. The store is not here: a device connection hands its readings
 * to the store writer itself, because their acks come back to it. Called on the device's event
 * loop; must not block.
 */
public final class ReadingFanOut implements Consumer<Reading> {

  private final Broker broker;
  private final AlertEngine alerts;

  public ReadingFanOut(Broker broker, AlertEngine alerts) {
    this.broker = broker;
    this.alerts = alerts;
  }

  @Override
  public void accept(Reading reading) {
    broker.publish(reading);
    alerts.onReading(reading);
  }
}
