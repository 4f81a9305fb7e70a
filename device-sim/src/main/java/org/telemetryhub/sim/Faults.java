package org.telemetryhub.sim;

/**
 * Probabilities, per reading, of each sensor fault: a stuck temperature (the same value for 30
 * readings), a +15..25 °C spike, humidity out of range (150 %), a NaN temperature. All 0 by default.
 */
public record Faults(double stuck, double spike, double outOfRange, double nan) {

  public static final Faults NONE = new Faults(0, 0, 0, 0);

  public boolean any() {
    return stuck > 0 || spike > 0 || outOfRange > 0 || nan > 0;
  }
}
