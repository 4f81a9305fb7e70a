package org.telemetryhub.hub.pubsub;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.address.Topics;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.liveness.DeviceView;
import org.telemetryhub.hub.protocol.Reading;

/**
 * The hub -> subscriber messages, {@code {"channel":"<topic>","payload":{...}}}, encoded once
 * per published message as UTF-8 bytes that every recipient shares.
 */
public final class Messages {

  private Messages() {
  }

  /** Readings are the hot path: written by hand (device ids need no escaping; values are finite floats). */
  public static byte[] reading(Reading reading) {
    StringBuilder json = new StringBuilder(160)
        .append("{\"channel\":\"").append(Topics.READINGS).append('/').append(reading.device())
        .append("\",\"payload\":{\"device\":\"").append(reading.device())
        .append("\",\"ts\":").append(reading.ts())
        .append(",\"temperature\":");
    FloatText.append(json, reading.temperature()).append(",\"humidity\":");
    FloatText.append(json, reading.humidity()).append(",\"pressure\":");
    FloatText.append(json, reading.pressure()).append("}}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static JsonObject statusPayload(DeviceStatus status) {
    return new JsonObject()
        .put("device", status.device())
        .put("state", status.state().wireName())
        .put("since", status.since())
        .put("reason", status.reason());
  }

  public static byte[] status(DeviceStatus status) {
    return envelope(Topics.topic(Topics.STATUS, status.device()), statusPayload(status));
  }

  public static byte[] alert(AlertEvent event) {
    return envelope(Topics.topic(Topics.ALERTS, event.device()), event.toJson());
  }

  public static byte[] lost(long lost, long total, SlowPolicy policy) {
    return envelope(Topics.CONTROL_LOST,
        new JsonObject().put("lost", lost).put("total", total).put("policy", policy.wireName()));
  }

  /**
   * The retained messages of {@code device} that one of {@code filters} matches, added to
   * {@code into}: its latest reading (unless a replay carried it already) and its current status.
   */
  static void retained(Collection<TopicFilter> filters, DeviceView device, ReplayedReadings replayed, List<byte[]> into) {
    Reading last = device.lastReading();
    if (last != null && anyMatches(filters, Topics.READINGS, device.device()) && !replayed.contains(last.device(), last.ts())) {
      into.add(reading(last));
    }
    if (anyMatches(filters, Topics.STATUS, device.device())) {
      into.add(status(new DeviceStatus(device.device(), device.state(), device.since(), device.reason())));
    }
  }

  /** Whether {@code device} has a retained message that one of {@code filters} matches. */
  static boolean retainsFor(Collection<TopicFilter> filters, DeviceView device) {
    return device.lastReading() != null && anyMatches(filters, Topics.READINGS, device.device())
        || anyMatches(filters, Topics.STATUS, device.device());
  }

  private static boolean anyMatches(Collection<TopicFilter> filters, String kind, String device) {
    for (TopicFilter filter : filters) {
      if (filter.matches(kind, device)) {
        return true;
      }
    }
    return false;
  }

  static byte[] envelope(String topic, JsonObject payload) {
    return new JsonObject().put("channel", topic).put("payload", payload).encode().getBytes(StandardCharsets.UTF_8);
  }
}
