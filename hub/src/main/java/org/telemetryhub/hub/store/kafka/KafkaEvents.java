package org.telemetryhub.hub.store.kafka;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.store.EventSink;

/**
 * Device state changes and alerts into the events topic, as JSON keyed by device id
 * ({@code {"kind":"status","device":...,"state":...,"since":...,"reason":...,"node":...}} and
 * {@code {"kind":"alert","device":...,"rule":...,"state":...,"value":...,"ts":...,"node":...}}).
 * Best effort and off the ack path, as events into InfluxDB are: they are sent from a thread of
 * their own (a send may wait for the topic's metadata, which an event loop must not), at most
 * {@value #MAX_PENDING} wait, and what does not fit or what Kafka refuses is dropped, counted and
 * logged now and then.
 */
public final class KafkaEvents implements EventSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaEvents.class);
  private static final long DROP_LOG_EVERY = 1000;
  static final int MAX_PENDING = 10_000;

  private final KafkaSettings settings;
  private final String node;
  private final KafkaProducer<String, byte[]> producer;
  private final AtomicLong dropped = new AtomicLong();
  private final ThreadPoolExecutor sender;

  public KafkaEvents(KafkaSettings settings, String node) {
    this.settings = settings;
    this.node = node;
    java.util.Properties config = KafkaReadingStore.producerConfig(settings);
    config.put(org.apache.kafka.clients.producer.ProducerConfig.CLIENT_ID_CONFIG, "telemetry-hub-events");
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_PENDING), task -> {
      Thread thread = new Thread(task, "kafka-events");
      thread.setDaemon(true);
      return thread;
    }, (task, executor) -> drop("more than " + MAX_PENDING + " events waiting"));
  }

  @Override
  public void status(DeviceStatus status) {
    send(status.device(), new JsonObject().put("kind", "status").put("device", status.device())
        .put("state", status.state().wireName()).put("since", status.since()).put("reason", status.reason()));
  }

  @Override
  public void alert(AlertEvent alert) {
    send(alert.device(), new JsonObject().put("kind", "alert").mergeIn(alert.toJson()));
  }

  private void send(String device, JsonObject event) {
    byte[] value = event.put("node", node).encode().getBytes(StandardCharsets.UTF_8);
    sender.execute(() -> {
      try {
        producer.send(new ProducerRecord<>(settings.eventsTopic(), device, value), (metadata, failure) -> {
          if (failure != null) {
            drop(failure.getMessage());
          }
        });
      } catch (RuntimeException e) {
        drop(e.getMessage());
      }
    });
  }

  private void drop(String why) {
    long count = dropped.incrementAndGet();
    if (count == 1 || count % DROP_LOG_EVERY == 0) {
      LOG.warn("events to Kafka topic {} dropped ({} so far): {}", settings.eventsTopic(), count, why);
    }
  }

  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(java.time.Duration.ofSeconds(2));
  }
}
