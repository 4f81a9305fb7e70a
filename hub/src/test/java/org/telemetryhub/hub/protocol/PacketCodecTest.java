package org.telemetryhub.hub.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class PacketCodecTest {

  /**
   * The bytes Node.js 20 printed for
   * {@code v.setFloat32(0, 21.5); v.setUint32(4, 1764400000); v.setFloat32(8, 40.2); v.setFloat32(12, 1013.1)}
   * on a 16-byte DataView (big-endian, its default).
   */
  private static final byte[] DATAVIEW_PACKET = bytes(
      0x41, 0xac, 0x00, 0x00,   // temperature float32 21.5
      0x69, 0x2a, 0x9b, 0x80,   // timestamp uint32 1764400000
      0x42, 0x20, 0xcc, 0xcd,   // humidity float32 40.2
      0x44, 0x7d, 0x46, 0x66);  // pressure float32 1013.1

  /** The same from {@code setFloat32(0, -0.0); setUint32(4, 4000000000); setFloat32(8, NaN); setFloat32(12, -Infinity)}. */
  private static final byte[] DATAVIEW_ODD_VALUES = bytes(
      0x80, 0x00, 0x00, 0x00,   // temperature -0.0
      0xee, 0x6b, 0x28, 0x00,   // timestamp 4000000000, above 2^31: must stay positive
      0x7f, 0xc0, 0x00, 0x00,   // humidity NaN
      0xff, 0x80, 0x00, 0x00);  // pressure -Infinity

  @Test
  void decodesExactlyWhatJavaScriptsDataViewWrites() {
    Reading reading = PacketCodec.decode("dev-1", Buffer.buffer(DATAVIEW_PACKET), 0);

    assertEquals(new Reading("dev-1", 1764400000L, 21.5f, 40.2f, 1013.1f), reading);
  }

  @Test
  void decodesNegativeZeroNanInfinityAndTimestampsAbove2To31() {
    Reading reading = PacketCodec.decode("dev-1", Buffer.buffer(DATAVIEW_ODD_VALUES), 0);

    assertEquals(4_000_000_000L, reading.ts());
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(reading.temperature()));
    assertTrue(Float.isNaN(reading.humidity()));
    assertEquals(Float.NEGATIVE_INFINITY, reading.pressure());
  }

  @Test
  void positiveInfinityAndMaxUint32Decode() {
    byte[] packet = bytes(
        0x7f, 0x80, 0x00, 0x00,   // temperature +Infinity
        0xff, 0xff, 0xff, 0xff,   // timestamp 2^32 - 1
        0x00, 0x00, 0x00, 0x00,   // humidity 0.0
        0x3f, 0x80, 0x00, 0x00);  // pressure 1.0
    Reading reading = PacketCodec.decode("d", Buffer.buffer(packet), 0);

    assertEquals(Float.POSITIVE_INFINITY, reading.temperature());
    assertEquals(4_294_967_295L, reading.ts());
    assertEquals(0.0f, reading.humidity());
    assertEquals(1.0f, reading.pressure());
  }

  @Test
  void timestampZeroIsKeptForTheHubToStamp() {
    byte[] packet = DATAVIEW_PACKET.clone();
    packet[4] = packet[5] = packet[6] = packet[7] = 0;

    assertEquals(PacketCodec.NO_CLOCK, PacketCodec.decode("d", Buffer.buffer(packet), 0).ts());
    assertEquals(PacketCodec.NO_CLOCK, PacketCodec.timestamp(Buffer.buffer(packet), 0));
  }

  @Test
  void encodeWritesTheDataViewBytes() {
    Buffer out = PacketCodec.encode(21.5f, 1764400000L, 40.2f, 1013.1f, Buffer.buffer());

    assertEquals(Buffer.buffer(DATAVIEW_PACKET), out);
  }

  @Test
  void framesOfOneAndOfAHundredPacketsDecodeInOrder() {
    for (int k : new int[] {1, 100}) {
      Buffer frame = Buffer.buffer();
      for (int i = 0; i < k; i++) {
        PacketCodec.encode(i * 0.5f, 1_700_000_000L + i, 30 + i * 0.1f, 1000 + i, frame);
      }
      assertEquals(k * 16, frame.length());
      assertNull(PacketCodec.lengthProblem(frame.length()));
      for (int i = 0; i < k; i++) {
        Reading reading = PacketCodec.decode("d", frame, i * PacketCodec.PACKET_SIZE);
        assertEquals(new Reading("d", 1_700_000_000L + i, i * 0.5f, 30 + i * 0.1f, 1000 + i), reading);
      }
    }
  }

  @Test
  void lengthsThatAreNotWholePacketsAreNamed() {
    assertEquals("empty binary frame: a frame holds one or more 16-byte packets", PacketCodec.lengthProblem(0));
    assertEquals("binary frame length 17 is not a multiple of 16", PacketCodec.lengthProblem(17));
    assertEquals("binary frame length 15 is not a multiple of 16", PacketCodec.lengthProblem(15));
    assertNull(PacketCodec.lengthProblem(16));
    assertNull(PacketCodec.lengthProblem(1600));
  }

  @Test
  void encodeRefusesTimestampsOutsideUint32() {
    assertThrows(IllegalArgumentException.class, () -> PacketCodec.encode(1, 1L << 32, 1, 1, Buffer.buffer()));
    assertThrows(IllegalArgumentException.class, () -> PacketCodec.encode(1, -1, 1, 1, Buffer.buffer()));
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }
}
