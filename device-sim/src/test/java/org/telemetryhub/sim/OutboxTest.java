package org.telemetryhub.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.protocol.Reading;

class OutboxTest {

  private static void addReadings(Outbox outbox, int fromTs, int count) {
    for (int i = 0; i < count; i++) {
      outbox.add(20f, fromTs + i, 50f, 1000f);
    }
  }

  /** Timestamps of the packets in one frame taken from the outbox. */
  private static List<Long> sendFrame(Outbox outbox, int maxPackets) {
    Buffer frame = Buffer.buffer();
    int packets = outbox.nextFrame(frame, maxPackets, System.nanoTime());
    assertEquals(packets * PacketCodec.PACKET_SIZE, frame.length());
    List<Long> timestamps = new ArrayList<>();
    for (int i = 0; i < packets; i++) {
      Reading reading = PacketCodec.decode("d", frame, i * PacketCodec.PACKET_SIZE);
      timestamps.add(reading.ts());
    }
    return timestamps;
  }

  @Test
  void anAckRemovesExactlyThePacketsItCovers() {
    Outbox outbox = new Outbox(100);
    addReadings(outbox, 1, 10);
    assertEquals(List.of(1L, 2L, 3L, 4L), sendFrame(outbox, 4));
    assertEquals(List.of(5L, 6L, 7L, 8L), sendFrame(outbox, 4));
    assertEquals(8, outbox.inFlight());

    assertEquals(3, outbox.ack(3, sentAt -> { }));
    assertEquals(7, outbox.size());
    assertEquals(0, outbox.ack(3, sentAt -> { }), "an ack never counts twice");
    assertEquals(5, outbox.ack(8, sentAt -> { }));
    assertEquals(2, outbox.size(), "the two never sent remain");
    assertEquals(0, outbox.inFlight());
  }

  @Test
  void afterAReconnectEverythingUnackedIsSentAgainInOrder() {
    Outbox outbox = new Outbox(100);
    addReadings(outbox, 1, 6);
    sendFrame(outbox, 4);
    outbox.ack(2, sentAt -> { });          // 1 and 2 are stored; 3 and 4 were on the wire when it broke
    outbox.newConnection();
    addReadings(outbox, 7, 1);

    assertEquals(List.of(3L, 4L, 5L), sendFrame(outbox, 3));
    assertEquals(List.of(6L, 7L), sendFrame(outbox, 3));
    assertEquals(3, outbox.ack(3, sentAt -> { }), "positions count from 0 again on the new connection");
    assertEquals(2, outbox.size());
  }

  @Test
  void whenFullTheOldestIsDroppedAndCountedLost() {
    Outbox outbox = new Outbox(5);
    addReadings(outbox, 1, 5);
    sendFrame(outbox, 2);                    // 1 and 2 in flight
    assertFalse(outbox.add(20f, 6, 50f, 1000f));
    assertFalse(outbox.add(20f, 7, 50f, 1000f));
    assertTrue(outbox.size() <= 5);
    assertEquals(2, outbox.lost());

    assertEquals(2, outbox.inFlight(), "dropped readings already sent still take window room until acked");
    assertEquals(0, outbox.ack(2, sentAt -> { }), "the dropped in-flight readings are gone already");
    assertEquals(0, outbox.inFlight());
    outbox.newConnection();
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L), sendFrame(outbox, 10));
  }

  @Test
  void theAckReportsWhenEachCoveredPacketWasSent() {
    Outbox outbox = new Outbox(10);
    addReadings(outbox, 1, 2);
    long before = System.nanoTime();
    sendFrame(outbox, 2);
    List<Long> sentAt = new ArrayList<>();
    outbox.ack(2, sentAt::add);
    assertEquals(2, sentAt.size());
    assertTrue(sentAt.get(0) >= before);
  }
}
