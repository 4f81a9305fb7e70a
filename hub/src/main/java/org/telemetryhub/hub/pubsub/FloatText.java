package org.telemetryhub.hub.pubsub;

/**
 * Writes a float32 as {@link Float#toString(float)} does ({@code 21.3}, {@code 20.0},
 * {@code 1013.25}), with a fast path for values of at most three decimals, which is what sensors
 * send: JDK 17's {@code Float.toString} was a tenth of the hub's Java time when every reading went
 * to a subscriber. The fast path writes the nearest number of one, two or three decimals that
 * reads back as the same float, the fewest decimals first; anything else (and any exact tie between
 * two such numbers) goes to Float.toString. FloatTextTest holds it to Float.toString's output.
 */
final class FloatText {

  private static final long[] POWERS_OF_TEN = {1, 10, 100, 1000};
  private static final float SMALLEST_FAST = 1e-3f;
  private static final float LARGEST_FAST = 1e6f;

  private FloatText() {
  }

  static StringBuilder append(StringBuilder out, float value) {
    float magnitude = Math.abs(value);
    if (magnitude >= SMALLEST_FAST && magnitude < LARGEST_FAST) {
      for (int decimals = 1; decimals < POWERS_OF_TEN.length; decimals++) {
        double exact = (double) value * POWERS_OF_TEN[decimals]; // exact: 24 + 10 bits fit in a double
        if (exact - Math.floor(exact) == 0.5) {
          break; // halfway between two candidates: Float.toString's choice is the reference
        }
        long scaled = Math.round(exact);
        if ((float) (scaled / (double) POWERS_OF_TEN[decimals]) == value) {
          return appendScaled(out, scaled, decimals);
        }
      }
    }
    return out.append(value);
  }

  /** Appends {@code scaled / 10^decimals} with exactly {@code decimals} digits after the point. */
  private static StringBuilder appendScaled(StringBuilder out, long scaled, int decimals) {
    if (scaled < 0) {
      out.append('-');
      scaled = -scaled;
    }
    long unit = POWERS_OF_TEN[decimals];
    out.append(scaled / unit).append('.');
    long fraction = scaled % unit;
    for (long digit = unit / 10; digit > fraction && digit > 1; digit /= 10) {
      out.append('0');
    }
    return out.append(fraction);
  }
}
