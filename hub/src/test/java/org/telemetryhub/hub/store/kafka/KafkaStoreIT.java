package org.telemetryhub.hub.store.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.InfluxServer;
import org.telemetryhub.hub.testing.KafkaCluster;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;

/** The hub with {@code --store kafka} against a real Kafka broker (KRaft) and a real InfluxDB for history. */
@ExtendWith(VertxExtension.class)
class KafkaStoreIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  /**
   * Verifies the record contract (key the device id, value its packets in the order received with the
   * timestamp always set, header node), that an ack means the readings are in Kafka, and that while
   * Kafka is down the hub is not ready and acks nothing, then resumes by itself.
   */
  @Test
  void ackedReadingsAreInTheTopicAndAnOutageHoldsTheAcksUntilKafkaIsBack(Vertx vertx) throws Exception {
    try (KafkaCluster kafka = KafkaCluster.start(dir.resolve("kafka"), 1);
         InfluxServer influx = InfluxServer.start(dir.resolve("influx"));
         TestHub hub = TestHub.start(dir.resolve("hub"), o -> o.withNodeName("kafka-node")
             .withStore(o.store().withKafka(kafka.bootstrap(), influx.url())))) {
      assertEquals(200, hub.api().get("/health/ready").status(), hub.api().get("/health/ready").body());
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-k");
      long t0 = Instant.now().getEpochSecond() - 100;
      device.sendRun(t0, 10);
      device.sendPackets(21.5f, 0L, 40f, 1000f); // no clock: the hub stamps it
      device.awaitAck(11, WAIT);

      List<ConsumerRecord<String, byte[]>> records = consume(kafka, "dev-k", 11);
      List<Long> timestamps = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> record : records) {
        assertEquals("dev-k", record.key());
        assertEquals("kafka-node", new String(record.headers().lastHeader("node").value(), StandardCharsets.UTF_8));
        assertEquals(0, record.value().length % PacketCodec.PACKET_SIZE, "whole 16-byte packets");
        for (int offset = 0; offset < record.value().length; offset += PacketCodec.PACKET_SIZE) {
          Reading reading = PacketCodec.decode("dev-k", Buffer.buffer(record.value()), offset);
          timestamps.add(reading.ts());
        }
      }
      assertEquals(11, timestamps.size(), timestamps.toString());
      for (int i = 0; i < 10; i++) {
        assertEquals(t0 + i, timestamps.get(i), "in the order received: " + timestamps);
      }
      assertTrue(timestamps.get(10) >= Instant.now().getEpochSecond() - 60, "the no-clock reading got the hub's time");
      JsonObject online = new JsonObject(new String(consumeOne(kafka, KafkaSettings.DEFAULT_EVENTS_TOPIC, "dev-k").value(),
          StandardCharsets.UTF_8));
      assertEquals("status", online.getString("kind"), online.encode());
      assertEquals("online", online.getString("state"), "the device's first event, not lost: " + online.encode());
      assertEquals("kafka-node", online.getString("node"));

      kafka.stop(0);
      Poll.until("not ready while Kafka is down", WAIT, () -> hub.api().get("/health/ready").status() == 503);
      JsonObject health = hub.api().get("/health/ready").json();
      assertTrue(health.encode().contains("Kafka"), health.encode());
      device.sendPackets(22f, t0 + 50, 40f, 1000f);
      Thread.sleep(2_000);
      assertEquals(11, device.lastAck(), "no ack while Kafka does not take the reading");

      kafka.restart(0);
      device.awaitAck(12, WAIT);
      Poll.until("ready again", WAIT, () -> hub.api().get("/health/ready").status() == 200);
      List<ConsumerRecord<String, byte[]>> after = consume(kafka, "dev-k", 12);
      assertTrue(after.stream().anyMatch(record -> PacketCodec.decode("dev-k", Buffer.buffer(record.value()), 0).ts() == t0 + 50),
          "the reading sent during the outage is in the topic");
      device.close();
    }
  }

  /** The first record of {@code topic} keyed {@code device}, read from the start. */
  private static ConsumerRecord<String, byte[]> consumeOne(KafkaCluster kafka, String topic, String device) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      Poll.until("a record of " + device + " in " + topic, WAIT, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
          if (device.equals(record.key())) {
            found.add(record);
          }
        });
        return !found.isEmpty();
      });
    }
    return found.get(0);
  }

  /** Reads the readings topic from the start until {@code readings} readings of {@code device} arrived. */
  private static List<ConsumerRecord<String, byte[]>> consume(KafkaCluster kafka, String device, int readings) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(KafkaSettings.DEFAULT_TOPIC));
      int[] count = {0};
      Poll.until(readings + " readings of " + device + " in the topic", WAIT, () -> {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (device.equals(record.key())) {
            records.add(record);
            count[0] += record.value().length / PacketCodec.PACKET_SIZE;
          }
        }
        return count[0] >= readings;
      });
    }
    return records;
  }
}
