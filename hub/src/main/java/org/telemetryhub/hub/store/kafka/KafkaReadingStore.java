package org.telemetryhub.hub.store.kafka;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreException;

/**
 * Readings into a Kafka topic, the stores fed from it by sinks; history from the store the sinks
 * write ({@code history}). A batch becomes one record per device (key the device id, value its
 * packets in the order received, header {@code node}), produced with acks=all by an idempotent
 * producer; {@link #write} returns once Kafka acknowledged every record of the batch, so a
 * device's ack means its readings are on the brokers' in-sync replicas.
 */
public final class KafkaReadingStore implements ReadingStore {

  /** Batches produced at once (each lane waits for its own acks). */
  static final int WRITE_LANES = 4;
  /** How long a batch may wait for Kafka's acknowledgement before the writer retries it. */
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(3);

  private final KafkaSettings settings;
  private final ReadingStore history;
  private final byte[] node;
  private final KafkaProducer<String, byte[]> producer;
  private final Admin admin;
  private final KafkaEvents events;
  private volatile String lastFailure;

  private KafkaReadingStore(KafkaSettings settings, ReadingStore history, String node) {
    this.settings = settings;
    this.history = history;
    this.node = node.getBytes(StandardCharsets.UTF_8);
    this.producer = new KafkaProducer<>(producerConfig(settings), new StringSerializer(), new ByteArraySerializer());
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) HEALTH_TIMEOUT.toMillis());
    this.admin = Admin.create(admin);
    this.events = new KafkaEvents(settings, node);
  }

  /** Where state changes and alerts go beside the readings: the events topic (closed with this store). */
  public KafkaEvents events() {
    return events;
  }

  /** A producer for {@code settings}; nothing is sent yet. {@code history} answers the queries and is closed with this store. */
  public static KafkaReadingStore connect(KafkaSettings settings, ReadingStore history, String node) {
    return new KafkaReadingStore(settings, history, node);
  }

  static Properties producerConfig(KafkaSettings settings) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5); // the most idempotence keeps in order
    config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis());
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    // send() waits this long at most for the topic's metadata or for room in the buffer, then fails the batch.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "telemetry-hub");
    return config;
  }

  @Override
  public void write(List<Reading> batch) throws StoreException {
    Map<String, Buffer> packetsByDevice = new LinkedHashMap<>();
    for (Reading reading : batch) {
      PacketCodec.encode(reading, packetsByDevice.computeIfAbsent(reading.device(), device -> Buffer.buffer(256)));
    }
    List<Future<RecordMetadata>> acks = new ArrayList<>(packetsByDevice.size());
    try {
      for (Map.Entry<String, Buffer> device : packetsByDevice.entrySet()) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(settings.topic(), device.getKey(), device.getValue().getBytes());
        record.headers().add("node", node);
        acks.add(producer.send(record));
      }
      long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
      for (Future<RecordMetadata> ack : acks) {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      lastFailure = null;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      lastFailure = "Kafka at " + settings.bootstrap() + " did not take the readings: " + cause.getMessage();
      throw new StoreException(lastFailure, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while Kafka acknowledged readings", e);
    }
  }

  @Override
  public int writeLanes() {
    return WRITE_LANES;
  }

  @Override
  public List<Reading> query(String device, long fromEpochSeconds, long toEpochSeconds, int limit) throws StoreException {
    return history.query(device, fromEpochSeconds, toEpochSeconds, limit);
  }

  @Override
  public long count(String device, long fromEpochSeconds, long toEpochSeconds) throws StoreException {
    return history.count(device, fromEpochSeconds, toEpochSeconds);
  }

  @Override
  public long latestTimestamp(String device) throws StoreException {
    return history.latestTimestamp(device);
  }

  @Override
  public List<Reading> latestReadings() throws StoreException {
    return history.latestReadings();
  }

  @Override
  public boolean hasReadings(String device) throws StoreException {
    return history.hasReadings(device);
  }

  /** The store the sinks write keeps its own retention. */
  @Override
  public long deleteOlderThan(long cutoffEpochSeconds) throws StoreException {
    return history.deleteOlderThan(cutoffEpochSeconds);
  }

  /** Whether Kafka takes writes: its brokers answer, and the last batch (if it failed) has been retried since. */
  @Override
  public String unreachable() {
    String failure = lastFailure;
    if (failure != null) {
      return failure;
    }
    try {
      if (admin.describeCluster().nodes().get(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty()) {
        return "Kafka at " + settings.bootstrap() + " has no broker";
      }
      return null;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return "Kafka at " + settings.bootstrap() + " is unreachable: " + (e.getCause() != null ? e.getCause() : e).getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Override
  public String describe() {
    return "kafka " + settings.bootstrap() + " topic " + settings.topic() + " (history from " + history.describe() + ")";
  }

  @Override
  public void close() {
    try {
      producer.close(Duration.ofSeconds(5));
      events.close();
      admin.close(Duration.ofSeconds(2));
    } finally {
      history.close();
    }
  }
}
