package org.telemetryhub.hub.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * The 16-byte sensor packet of docs/device-protocol.md, big-endian (what JavaScript's DataView
 * writes by default):
 * <pre>
 * offset 0  float32 temperature  (degrees Celsius)
 * offset 4  uint32  timestamp    (Unix epoch seconds; 0 = "no clock")
 * offset 8  float32 humidity     (percent)
 * offset 12 float32 pressure     (hectopascal)
 * </pre>
 * Decoding reads straight from the frame's buffer: no copy, no garbage beyond the Reading.
 */
public final class PacketCodec {

  public static final int PACKET_SIZE = 16;
  static final int TEMPERATURE_OFFSET = 0;
  static final int TIMESTAMP_OFFSET = 4;
  static final int HUMIDITY_OFFSET = 8;
  static final int PRESSURE_OFFSET = 12;

  /** The timestamp a device without a clock sends; the hub stamps it (see NoClockStamps). */
  public static final long NO_CLOCK = 0;

  private PacketCodec() {
  }

  /**
   * Says what is wrong with a binary frame's length, or returns null when it holds k >= 1 whole packets.
   */
  public static String lengthProblem(int frameLength) {
    if (frameLength == 0) {
      return "empty binary frame: a frame holds one or more 16-byte packets";
    }
    if (frameLength % PACKET_SIZE != 0) {
      return "binary frame length " + frameLength + " is not a multiple of 16";
    }
    return null;
  }

  /**
   * Decodes the packet at {@code offset}, its timestamp as sent ({@link #NO_CLOCK} included).
   * The caller has checked the frame's length with {@link #lengthProblem(int)}.
   */
  public static Reading decode(String device, Buffer frame, int offset) {
    return new Reading(
        device,
        frame.getUnsignedInt(offset + TIMESTAMP_OFFSET),
        frame.getFloat(offset + TEMPERATURE_OFFSET),
        frame.getFloat(offset + HUMIDITY_OFFSET),
        frame.getFloat(offset + PRESSURE_OFFSET));
  }

  /** The timestamp field of the packet at {@code offset}, as sent. */
  public static long timestamp(Buffer frame, int offset) {
    return frame.getUnsignedInt(offset + TIMESTAMP_OFFSET);
  }

  /** Appends one packet for the reading to {@code out}; the device id is not on the wire. */
  public static Buffer encode(Reading reading, Buffer out) {
    return encode(reading.temperature(), reading.ts(), reading.humidity(), reading.pressure(), out);
  }

  /** Appends one packet to {@code out}. {@code timestamp} must fit in a uint32. */
  public static Buffer encode(float temperature, long timestamp, float humidity, float pressure, Buffer out) {
    if (timestamp < 0 || timestamp > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("timestamp " + timestamp + " does not fit in a uint32");
    }
    return out.appendFloat(temperature)
        .appendUnsignedInt(timestamp)
        .appendFloat(humidity)
        .appendFloat(pressure);
  }
}
