package org.telemetryhub.hub.store.kafka;

/**
 * Where the hub produces readings and events when Kafka carries them to the stores.
 *
 * @param bootstrap   the brokers to start from, host:port[,host:port...]
 * @param topic       the readings: key the device id, value its 16-byte packets, header {@code node}
 * @param eventsTopic device state changes and alerts, as JSON, keyed by device id
 */
public record KafkaSettings(String bootstrap, String topic, String eventsTopic) {

  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_TOPIC = "telemetry.readings";
  public static final String DEFAULT_EVENTS_TOPIC = "telemetry.events";
  public static final KafkaSettings DEFAULTS = new KafkaSettings(DEFAULT_BOOTSTRAP, DEFAULT_TOPIC, DEFAULT_EVENTS_TOPIC);

  public KafkaSettings withBootstrap(String brokers) {
    return new KafkaSettings(brokers, topic, eventsTopic);
  }
}
