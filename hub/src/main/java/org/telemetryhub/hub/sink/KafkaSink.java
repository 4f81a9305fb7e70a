package org.telemetryhub.hub.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.address.DeviceIds;
import org.telemetryhub.hub.protocol.PacketCodec;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreException;

/**
 * The readings topic into a store, as one member of a consumer group: each poll's readings are
 * written, and only then are the poll's offsets committed. A sink killed between the two reads
 * those records again when it (or another member) takes the partitions over, and writes them
 * again: a store keeps one reading per (device, ts), so each reading is stored once. A store that
 * fails is retried with backoff; meanwhile the sink polls nothing more and its lag grows.
 */
public final class KafkaSink implements AutoCloseable {

  static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  static final int MAX_POLL_RECORDS = 2000;
  private static final long FIRST_RETRY_MILLIS = 100;
  private static final long MAX_RETRY_MILLIS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final ReadingStore store;
  private final AtomicLong lag = new AtomicLong();
  private final Counter stored;
  private final Counter malformed;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;

  private KafkaSink(String bootstrap, String topic, String group, ReadingStore store, MeterRegistry meters) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "telemetry-sink");
    // A sink that dies (kill -9, a lost machine) holds its partitions until the group stops hearing
    // from it: 10 s instead of Kafka's 45, so another sink takes over soon.
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.store = store;
    Gauge.builder("hub.sink.lag", lag, AtomicLong::get).baseUnit("records")
        .description("Records of the readings topic not yet stored by this sink (its partitions)").register(meters);
    this.stored = Counter.builder("hub.sink.readings.stored").description("Readings this sink wrote into its store")
        .register(meters);
    this.malformed = Counter.builder("hub.sink.records.malformed")
        .description("Records skipped: no device id, or a value that is not whole 16-byte packets").register(meters);
    this.thread = new Thread(this::run, "kafka-sink");
  }

  /** Starts consuming on a thread of its own. */
  public static KafkaSink start(String bootstrap, String topic, String group, ReadingStore store, MeterRegistry meters) {
    KafkaSink sink = new KafkaSink(bootstrap, topic, group, store, meters);
    sink.thread.start();
    return sink;
  }

  private void run() {
    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        // Every poll's records are stored and committed before the next poll: nothing is pending here.
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        LOG.info("sink: partitions of {} now {}", topic, consumer.assignment().stream().map(TopicPartition::partition).sorted()
            .toList());
      }
    });
    try {
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        updateLag();
        if (records.isEmpty()) {
          continue;
        }
        List<Reading> batch = decode(records);
        if (!storeUntilTaken(batch)) {
          break; // stopping: not committed, read again by whoever takes the partitions
        }
        try {
          consumer.commitSync();
        } catch (CommitFailedException e) {
          // The group moved the partitions on meanwhile: their new owner stores these again, which changes nothing.
          LOG.warn("sink: offsets not committed, the partitions moved to another member: {}", e.getMessage());
        } catch (KafkaException e) {
          // Kafka not answering (every broker down): the readings are stored; a later commit covers these
          // offsets too, and if none comes, they are read and stored again, which changes nothing.
          LOG.warn("sink: offsets not committed ({}); going on", e.getMessage());
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("sink: stopped by an error: {}", e.toString());
    } finally {
      Thread.interrupted(); // a stop's interrupt must not fail the close, which leaves the group at once
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private List<Reading> decode(ConsumerRecords<String, byte[]> records) {
    List<Reading> batch = new ArrayList<>(records.count() * 2);
    for (ConsumerRecord<String, byte[]> record : records) {
      byte[] value = record.value();
      if (record.key() == null || !DeviceIds.isValid(record.key()) || value == null || value.length == 0
          || value.length % PacketCodec.PACKET_SIZE != 0) {
        malformed.increment();
        continue;
      }
      Buffer packets = Buffer.buffer(value);
      for (int offset = 0; offset < value.length; offset += PacketCodec.PACKET_SIZE) {
        batch.add(PacketCodec.decode(record.key(), packets, offset));
      }
    }
    return batch;
  }

  /** Writes the batch, retrying with backoff; false when the sink stops first. */
  private boolean storeUntilTaken(List<Reading> batch) {
    long retryMillis = FIRST_RETRY_MILLIS;
    while (running) {
      try {
        if (!batch.isEmpty()) {
          store.write(batch);
        }
        stored.increment(batch.size());
        return true;
      } catch (StoreException | RuntimeException e) {
        LOG.warn("sink: store {} did not take {} readings, retrying in {} ms: {}", store.describe(), batch.size(), retryMillis,
            e.getMessage());
        try {
          Thread.sleep(retryMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return false;
        }
        retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
      }
    }
    return false;
  }

  private void updateLag() {
    long total = 0;
    for (TopicPartition partition : consumer.assignment()) {
      total += consumer.currentLag(partition).orElse(0);
    }
    lag.set(total);
  }

  /** Stops after the batch being written (uncommitted records are read again later); waits up to {@code timeout}. */
  public void stop(Duration timeout) throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.interrupt();
    thread.join(timeout.toMillis());
  }

  public boolean isRunning() {
    return thread.isAlive();
  }

  /** What ended the sink on its own, or null. */
  public Throwable failure() {
    return failure;
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(10));
  }
}
