package org.telemetryhub.hub.store;

import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceStatus;

/**
 * Where a store backend keeps device state transitions and alert events, beside the readings (for
 * dashboards), off the ack path and best effort. The embedded store keeps none.
 */
public interface EventSink {

  void status(DeviceStatus status);

  void alert(AlertEvent alert);

  EventSink NONE = new EventSink() {
    @Override
    public void status(DeviceStatus status) {
    }

    @Override
    public void alert(AlertEvent alert) {
    }
  };
}
