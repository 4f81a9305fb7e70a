package org.telemetryhub.hub.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Properties of the packet decoder over arbitrary bytes: whatever a device sends, decoding is total and exact. */
class PacketCodecPropertiesTest {

  private static final long NOW = 1_800_000_000L;
  private final ReadingValidator validator = new ReadingValidator(ValidRanges.DEFAULT);

  /** Verifies that a frame is accepted for decoding exactly when it holds one or more whole packets. */
  @Property
  void theLengthRuleIsWholePackets(@ForAll @Size(max = 200) byte[] frame) {
    String problem = PacketCodec.lengthProblem(frame.length);
    if (frame.length > 0 && frame.length % PacketCodec.PACKET_SIZE == 0) {
      assertNull(problem);
    } else {
      assertNotNull(problem);
    }
  }

  /**
   * Verifies that any bytes of a whole-packet frame decode without failing, the validator decides
   * on every reading without failing, and encoding the readings gives back the very bytes (NaNs
   * aside, whose bit patterns the JVM need not keep).
   */
  @Property
  void anyWholePacketFrameDecodesAndEncodesBack(@ForAll @Size(min = 1, max = 64) byte[] seed,
                                                @ForAll @LongRange(min = 1, max = 16) long packets) {
    byte[] frame = new byte[(int) packets * PacketCodec.PACKET_SIZE];
    for (int i = 0; i < frame.length; i++) {
      frame[i] = seed[i % seed.length];
      seed[i % seed.length] = (byte) (seed[i % seed.length] * 31 + i);
    }
    Buffer buffer = Buffer.buffer(frame);
    Buffer again = Buffer.buffer();
    for (int offset = 0; offset < frame.length; offset += PacketCodec.PACKET_SIZE) {
      Reading reading = PacketCodec.decode("d", buffer, offset);
      RejectReason reason = validator.check(reading, NOW);
      if (reason == null) {
        assertEquals(true, Float.isFinite(reading.temperature()) && Float.isFinite(reading.humidity())
            && Float.isFinite(reading.pressure()), "only finite values pass: " + reading);
      }
      PacketCodec.encode(reading, again);
    }
    byte[] encoded = again.getBytes();
    for (int offset = 0; offset < frame.length; offset += PacketCodec.PACKET_SIZE) {
      for (int field = 0; field < PacketCodec.PACKET_SIZE; field += 4) {
        int original = Buffer.buffer(frame).getInt(offset + field);
        int back = Buffer.buffer(encoded).getInt(offset + field);
        if (field != PacketCodec.TIMESTAMP_OFFSET && Float.isNaN(Float.intBitsToFloat(original))) {
          assertEquals(true, Float.isNaN(Float.intBitsToFloat(back)));
        } else {
          assertEquals(original, back, "field at " + (offset + field));
        }
      }
    }
  }

  /** Verifies that every reading a device can express survives the wire exactly: values bit for bit, the timestamp whole. */
  @Property
  void readingsRoundTrip(@ForAll float temperature, @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long ts,
                         @ForAll float humidity, @ForAll float pressure) {
    Buffer packet = PacketCodec.encode(temperature, ts, humidity, pressure, Buffer.buffer());
    assertEquals(PacketCodec.PACKET_SIZE, packet.length());
    Reading reading = PacketCodec.decode("dev-1", packet, 0);
    assertEquals(ts, reading.ts());
    assertArrayEquals(new int[] {Float.floatToIntBits(temperature), Float.floatToIntBits(humidity), Float.floatToIntBits(pressure)},
        new int[] {Float.floatToIntBits(reading.temperature()), Float.floatToIntBits(reading.humidity()),
            Float.floatToIntBits(reading.pressure())});
  }
}
