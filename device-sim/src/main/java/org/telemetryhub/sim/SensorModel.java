package org.telemetryhub.sim;

import java.util.SplittableRandom;

/**
 * Plausible readings for one device: a daily cycle (warmest mid-afternoon, humidity opposite),
 * noise, a slow drift and per-device offsets, all from a seeded random source so that a run
 * can be repeated. Faults, when enabled, bend the output to exercise the hub's validation.
 */
public final class SensorModel {

  private static final double DAY_SECONDS = 86_400;
  private static final double WARMEST_HOUR = 15;

  private final SplittableRandom random;
  private final Faults faults;
  private final double temperatureOffset;
  private final double humidityOffset;
  private final double pressureOffset;
  private final double driftPerHour;
  private double pressureWalk;
  private float stuckTemperature = Float.NaN;
  private int stuckFor;

  /** One reading's values; also what a test compares with what the hub stored. */
  public record Values(float temperature, float humidity, float pressure) {
  }

  public SensorModel(long seed, int deviceIndex, Faults faults) {
    this.random = new SplittableRandom(seed * 1_000_003L + deviceIndex);
    this.faults = faults;
    this.temperatureOffset = random.nextDouble(-4, 4);
    this.humidityOffset = random.nextDouble(-10, 10);
    this.pressureOffset = random.nextDouble(-8, 8);
    this.driftPerHour = random.nextDouble(-0.02, 0.02);
  }

  public Values next(long epochSeconds) {
    double dayPhase = 2 * Math.PI * ((epochSeconds % DAY_SECONDS) / DAY_SECONDS - WARMEST_HOUR / 24);
    double hours = epochSeconds / 3600.0;
    double temperature = 20 + temperatureOffset + 5 * Math.cos(dayPhase) + driftPerHour * (hours % 240)
        + random.nextDouble(-0.3, 0.3);
    double humidity = clamp(55 + humidityOffset - 12 * Math.cos(dayPhase) + random.nextDouble(-1, 1), 1, 99);
    pressureWalk = clamp(pressureWalk + random.nextDouble(-0.05, 0.05), -15, 15);
    double pressure = 1013 + pressureOffset + pressureWalk + random.nextDouble(-0.2, 0.2);
    return applyFaults(new Values((float) temperature, (float) humidity, (float) pressure));
  }

  private Values applyFaults(Values values) {
    if (!faults.any()) {
      return values;
    }
    float temperature = values.temperature();
    if (stuckFor > 0) {
      stuckFor--;
      temperature = stuckTemperature;
    } else if (random.nextDouble() < faults.stuck()) {
      stuckTemperature = temperature;
      stuckFor = 30;
    }
    if (random.nextDouble() < faults.spike()) {
      temperature += (float) random.nextDouble(15, 25);
    }
    float humidity = values.humidity();
    if (random.nextDouble() < faults.outOfRange()) {
      humidity = 150f;
    }
    if (random.nextDouble() < faults.nan()) {
      temperature = Float.NaN;
    }
    return new Values(temperature, humidity, values.pressure());
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }
}
