package org.telemetryhub.hub.pubsub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.liveness.DeviceView;
import org.telemetryhub.hub.protocol.Reading;

/**
 * Routes readings, status changes and alerts to the subscribers whose filters match. A message
 * is encoded once, and only when someone will receive it; each matching connection gets it once
 * even when several of its filters match. Retained messages (the latest reading and the current
 * status of every device) come from the device registry.
 */
public final class Broker {

  private final TopicTrie<SubscriberConnection> trie = new TopicTrie<>();
  private final Supplier<Collection<DeviceView>> devices;

  public Broker(Supplier<Collection<DeviceView>> devices) {
    this.devices = devices;
  }

  public void publish(Reading reading) {
    List<SubscriberConnection> recipients = trie.match(Topics.READINGS, reading.device());
    if (!recipients.isEmpty()) {
      deliver(recipients, Topics.topic(Topics.READINGS, reading.device()), Messages.reading(reading));
    }
  }

  public void publish(DeviceStatus status) {
    List<SubscriberConnection> recipients = trie.match(Topics.STATUS, status.device());
    if (!recipients.isEmpty()) {
      deliver(recipients, Topics.topic(Topics.STATUS, status.device()), Messages.status(status));
    }
  }

  public void publish(AlertEvent alert) {
    List<SubscriberConnection> recipients = trie.match(Topics.ALERTS, alert.device());
    if (!recipients.isEmpty()) {
      deliver(recipients, Topics.topic(Topics.ALERTS, alert.device()), Messages.alert(alert));
    }
  }

  private static void deliver(List<SubscriberConnection> recipients, String topic, byte[] message) {
    long publishedNanos = System.nanoTime();
    if (recipients.size() == 1) {
      recipients.get(0).offer(topic, message, publishedNanos);
      return;
    }
    Set<SubscriberConnection> once = Collections.newSetFromMap(new IdentityHashMap<>(recipients.size() * 2));
    for (SubscriberConnection recipient : recipients) {
      if (once.add(recipient)) {
        recipient.offer(topic, message, publishedNanos);
      }
    }
  }

  void subscribe(SubscriberConnection subscriber, TopicFilter filter) {
    trie.add(filter, subscriber);
  }

  void unsubscribe(SubscriberConnection subscriber, TopicFilter filter) {
    trie.remove(filter, subscriber);
  }

  /** The retained messages of every topic that one of {@code filters} matches, each topic once. */
  List<byte[]> retained(Collection<TopicFilter> filters) {
    List<byte[]> messages = new ArrayList<>();
    for (DeviceView device : devices.get()) {
      if (device.lastReading() != null && anyMatches(filters, Topics.READINGS, device.device())) {
        messages.add(Messages.reading(device.lastReading()));
      }
      if (anyMatches(filters, Topics.STATUS, device.device())) {
        messages.add(Messages.status(new DeviceStatus(device.device(), device.state(), device.since(), device.reason())));
      }
    }
    return messages;
  }

  private static boolean anyMatches(Collection<TopicFilter> filters, String kind, String device) {
    for (TopicFilter filter : filters) {
      if (filter.matches(kind, device)) {
        return true;
      }
    }
    return false;
  }
}
