package org.telemetryhub.hub.address;

/** The hub's topics (docs/subscriber-protocol.md): two levels, kind and device id. */
public final class Topics {

  public static final String READINGS = "readings";
  public static final String STATUS = "status";
  public static final String ALERTS = "alerts";
  /** Messages about the subscription itself, such as how many messages a slow subscriber lost. */
  public static final String CONTROL_LOST = "$hub/lost";
  public static final String CONTROL_GAP = "$hub/gap";

  private Topics() {
  }

  public static boolean isKind(String level) {
    return READINGS.equals(level) || STATUS.equals(level) || ALERTS.equals(level);
  }

  public static String topic(String kind, String device) {
    return kind + "/" + device;
  }
}
