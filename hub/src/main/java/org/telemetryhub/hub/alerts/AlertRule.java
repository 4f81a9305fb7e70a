package org.telemetryhub.hub.alerts;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telemetryhub.hub.config.DurationConverter;
import org.telemetryhub.hub.protocol.Reading;

/**
 * A threshold rule, written as
 * {@code overheat: temperature > 30 for 10s resolve < 29 devices dev-*}: it fires when the field
 * has met the condition for the duration (by reading timestamps) and resolves when it meets the
 * resolve condition (hysteresis: between the two, a firing alert keeps firing). {@code for},
 * {@code resolve} (default: the opposite of the condition) and {@code devices} (a glob with
 * {@code *} and {@code ?}; default all) are optional.
 */
public final class AlertRule {

  private static final Pattern SYNTAX = Pattern.compile(
      "\\s*([A-Za-z0-9._-]+)\\s*:\\s*(temperature|humidity|pressure)\\s*(>=|<=|>|<)\\s*(-?[0-9.]+)"
          + "(?:\\s+for\\s+(\\S+))?(?:\\s+resolve\\s*(>=|<=|>|<)\\s*(-?[0-9.]+))?(?:\\s+devices\\s+(\\S+))?\\s*");

  private enum Field { TEMPERATURE, HUMIDITY, PRESSURE }

  private final String name;
  private final Field field;
  private final String operator;
  private final float threshold;
  private final long forSeconds;
  private final String resolveOperator;
  private final float resolveThreshold;
  private final Pattern devices;
  private final String text;

  private AlertRule(String text, String name, Field field, String operator, float threshold, long forSeconds,
                    String resolveOperator, float resolveThreshold, Pattern devices) {
    this.text = text;
    this.name = name;
    this.field = field;
    this.operator = operator;
    this.threshold = threshold;
    this.forSeconds = forSeconds;
    this.resolveOperator = resolveOperator;
    this.resolveThreshold = resolveThreshold;
    this.devices = devices;
  }

  /** @throws IllegalArgumentException saying what is wrong and how a rule is written */
  public static AlertRule parse(String text) {
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("alert rule '" + text.strip() + "' is not of the form "
          + "'name: temperature > 30 [for 10s] [resolve < 29] [devices dev-*]'");
    }
    float threshold = Float.parseFloat(m.group(4));
    Duration forDuration = m.group(5) == null ? Duration.ZERO : DurationConverter.parse(m.group(5));
    String operator = m.group(3);
    String resolveOperator = m.group(6) != null ? m.group(6) : opposite(operator);
    float resolveThreshold = m.group(7) != null ? Float.parseFloat(m.group(7)) : threshold;
    String glob = m.group(8) == null ? "*" : m.group(8);
    Pattern devices = Pattern.compile(glob.replace(".", "\\.").replace("?", ".").replace("*", ".*"));
    return new AlertRule(text.strip(), m.group(1), Field.valueOf(m.group(2).toUpperCase(java.util.Locale.ROOT)),
        operator, threshold, forDuration.toSeconds(), resolveOperator, resolveThreshold, devices);
  }

  private static String opposite(String operator) {
    return switch (operator) {
      case ">" -> "<=";
      case ">=" -> "<";
      case "<" -> ">=";
      default -> ">";
    };
  }

  private static boolean holds(float value, String operator, float threshold) {
    return switch (operator) {
      case ">" -> value > threshold;
      case ">=" -> value >= threshold;
      case "<" -> value < threshold;
      default -> value <= threshold;
    };
  }

  public String name() {
    return name;
  }

  long forSeconds() {
    return forSeconds;
  }

  boolean appliesTo(String device) {
    return devices.matcher(device).matches();
  }

  float value(Reading reading) {
    return switch (field) {
      case TEMPERATURE -> reading.temperature();
      case HUMIDITY -> reading.humidity();
      case PRESSURE -> reading.pressure();
    };
  }

  boolean breached(float value) {
    return holds(value, operator, threshold);
  }

  boolean resolved(float value) {
    return holds(value, resolveOperator, resolveThreshold);
  }

  @Override
  public String toString() {
    return text;
  }
}
