package org.telemetryhub.hub.liveness;

import io.vertx.core.Future;
import java.util.List;

/**
 * Every device of the fleet as the API and retained messages show it: on one hub, this hub's
 * devices; in a cluster, every node's, each device once, with the node holding it. Answers come
 * as futures: in a cluster the other nodes are asked.
 */
public interface FleetView {

  /** Every known device, ordered by id. */
  Future<List<DeviceView>> devices();

  /** One device, or null when no node knows it. */
  Future<DeviceView> device(String deviceId);

  /** This hub's own devices only: what {@link #devices()} returns on one hub. */
  static FleetView of(DeviceDirectory directory) {
    return new FleetView() {
      @Override
      public Future<List<DeviceView>> devices() {
        return Future.succeededFuture(directory.all());
      }

      @Override
      public Future<DeviceView> device(String deviceId) {
        return Future.succeededFuture(directory.find(deviceId).orElse(null));
      }
    };
  }
}
