package org.telemetryhub.hub.alerts;

import io.vertx.core.json.JsonObject;

/** A rule started or stopped firing for a device: the payload of alerts/{deviceId}. */
public record AlertEvent(String device, String rule, String state, float value, long ts) {

  public static final String FIRING = "firing";
  public static final String RESOLVED = "resolved";

  public JsonObject toJson() {
    return new JsonObject().put("device", device).put("rule", rule).put("state", state).put("value", value).put("ts", ts);
  }
}
