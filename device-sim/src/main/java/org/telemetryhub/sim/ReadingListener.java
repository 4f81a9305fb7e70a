package org.telemetryhub.sim;

/** Told of every reading a device generates (tests use it to compare with what the hub stored). */
@FunctionalInterface
public interface ReadingListener {

  void generated(String deviceId, long ts, SensorModel.Values values);

  ReadingListener NONE = (deviceId, ts, values) -> { };
}
