package org.telemetryhub.hub.cluster;

import io.vertx.core.json.JsonObject;
import org.telemetryhub.hub.liveness.DeviceState;
import org.telemetryhub.hub.liveness.DeviceView;
import org.telemetryhub.hub.protocol.Reading;

/** A {@link DeviceView} as nodes send it to each other: every field, nothing left out for access (the asking node filters). */
final class DeviceViewJson {

  private DeviceViewJson() {
  }

  static JsonObject toJson(DeviceView view) {
    JsonObject json = new JsonObject().put("device", view.device()).put("state", view.state().name())
        .put("since", view.since()).put("reason", view.reason()).put("lastSeen", view.lastSeen());
    Reading reading = view.lastReading();
    if (reading != null) {
      json.put("lastReading", new JsonObject().put("ts", reading.ts()).put("temperature", reading.temperature())
          .put("humidity", reading.humidity()).put("pressure", reading.pressure()));
    }
    DeviceView.Connection connection = view.connection();
    if (connection != null) {
      json.put("connection", new JsonObject().put("id", connection.id()).put("remoteAddress", connection.remoteAddress())
          .put("connectedAt", connection.connectedAt()).put("node", connection.node()));
    }
    return json;
  }

  static DeviceView fromJson(JsonObject json) {
    String device = json.getString("device");
    JsonObject readingJson = json.getJsonObject("lastReading");
    Reading reading = readingJson == null ? null : new Reading(device, readingJson.getLong("ts"),
        readingJson.getFloat("temperature"), readingJson.getFloat("humidity"), readingJson.getFloat("pressure"));
    JsonObject connectionJson = json.getJsonObject("connection");
    DeviceView.Connection connection = connectionJson == null ? null : new DeviceView.Connection(
        connectionJson.getString("id"), connectionJson.getString("remoteAddress"), connectionJson.getLong("connectedAt"),
        connectionJson.getString("node"));
    return new DeviceView(device, DeviceState.valueOf(json.getString("state")), json.getLong("since"),
        json.getString("reason"), json.getLong("lastSeen"), reading, connection);
  }
}
