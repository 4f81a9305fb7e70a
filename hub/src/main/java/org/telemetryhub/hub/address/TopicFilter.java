package org.telemetryhub.hub.address;

import java.util.Arrays;

/**
 * A channel filter: a topic with MQTT-style wildcards, {@code +} for exactly one level and
 * {@code #} (last, alone in its level) for the rest. Topics have two levels, kind and device
 * ({@code readings/dev-1}), so a filter is {@code #} or two levels.
 */
public final class TopicFilter {

  public static final String ONE_LEVEL = "+";
  public static final String REST = "#";

  private final String text;
  private final String[] levels;

  private TopicFilter(String text, String[] levels) {
    this.text = text;
    this.levels = levels;
  }

  /** @throws IllegalArgumentException with a message fit for an error reply */
  public static TopicFilter parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty channel filter");
    }
    String[] levels = text.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.contains(REST) && (!level.equals(REST) || i != levels.length - 1)) {
        throw bad(text, "'#' must be a whole level and the last one");
      }
      if (level.contains(ONE_LEVEL) && !level.equals(ONE_LEVEL)) {
        throw bad(text, "'+' must be a whole level");
      }
    }
    if (levels.length == 1 && !levels[0].equals(REST)) {
      throw bad(text, "topics have two levels, <kind>/<deviceId>");
    }
    if (levels.length > 2) {
      throw bad(text, "topics have two levels, <kind>/<deviceId>");
    }
    if (levels.length == 2) {
      String kind = levels[0];
      if (!Topics.isKind(kind) && !kind.equals(ONE_LEVEL)) {
        throw bad(text, "the first level is readings, status, alerts or +");
      }
      String device = levels[1];
      if (!device.equals(ONE_LEVEL) && !device.equals(REST) && !DeviceIds.isValid(device)) {
        throw bad(text, DeviceIds.RULE);
      }
    }
    return new TopicFilter(text, levels);
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException("malformed channel filter '" + Echo.of(text) + "': " + why);
  }

  public String text() {
    return text;
  }

  /** The filter's levels, such as [readings, +]; a copy. */
  public String[] levels() {
    return levels.clone();
  }

  /** Whether some topic of {@code kind} (readings, status, alerts) matches: its first level is the kind, + or #. */
  public boolean couldMatchKind(String kind) {
    String first = levels[0];
    return first.equals(kind) || first.equals(ONE_LEVEL) || first.equals(REST);
  }

  /** The one device this filter names (readings/dev-1), or null when it has a wildcard for the device. */
  public String device() {
    return levels.length == 2 && !levels[1].equals(ONE_LEVEL) && !levels[1].equals(REST) ? levels[1] : null;
  }

  public boolean matches(String kind, String device) {
    if (levels[0].equals(REST)) {
      return true;
    }
    if (!levels[0].equals(ONE_LEVEL) && !levels[0].equals(kind)) {
      return false;
    }
    return levels[1].equals(REST) || levels[1].equals(ONE_LEVEL) || levels[1].equals(device);
  }

  /** Whether every topic this filter could match is matched by {@code granted} (permission checks). */
  public boolean isCoveredBy(TopicFilter granted) {
    for (int i = 0; i < levels.length; i++) {
      if (i >= granted.levels.length) {
        return false;
      }
      String mine = levels[i];
      String theirs = granted.levels[i];
      if (theirs.equals(REST)) {
        return true;
      }
      if (mine.equals(REST)) {
        return false;
      }
      if (theirs.equals(ONE_LEVEL)) {
        continue;
      }
      if (!theirs.equals(mine)) {
        return false;
      }
    }
    return levels.length == granted.levels.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TopicFilter filter && Arrays.equals(levels, filter.levels);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(levels);
  }

  @Override
  public String toString() {
    return text;
  }
}
