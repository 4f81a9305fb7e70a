package org.telemetryhub.hub.pubsub;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.address.Topics;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.protocol.Reading;

/**
 * The in-process {@link Broker}: routes readings, status changes and alerts to this hub's
 * subscribers whose filters match. A message is encoded once, and only when someone will receive
 * it; each matching subscriber gets it once even when several of its filters match.
 */
public final class LocalBroker implements Broker {

  private final TopicTrie<Subscriber> trie = new TopicTrie<>();

  @Override
  public void publish(Reading reading) {
    List<Subscriber> recipients = recipients(Topics.READINGS, reading.device());
    if (!recipients.isEmpty()) {
      deliver(recipients, Published.of(Topics.READINGS, reading.device(), reading.ts(), Messages.reading(reading)));
    }
  }

  @Override
  public void publish(DeviceStatus status) {
    List<Subscriber> recipients = recipients(Topics.STATUS, status.device());
    if (!recipients.isEmpty()) {
      deliver(recipients, Published.of(Topics.STATUS, status.device(), Published.NO_TS, Messages.status(status)));
    }
  }

  @Override
  public void publish(AlertEvent alert) {
    List<Subscriber> recipients = recipients(Topics.ALERTS, alert.device());
    if (!recipients.isEmpty()) {
      deliver(recipients, Published.of(Topics.ALERTS, alert.device(), Published.NO_TS, Messages.alert(alert)));
    }
  }

  /**
   * This hub's subscribers with a filter matching {@code kind/device}; one with several matching
   * filters appears once per filter. Empty (and allocation-free) when nobody matches.
   */
  public List<Subscriber> recipients(String kind, String device) {
    return trie.match(kind, device);
  }

  /** Delivers a message encoded elsewhere (by another node of the cluster) to this hub's subscribers of its topic. */
  public void deliver(String kind, String device, long ts, byte[] message) {
    List<Subscriber> recipients = recipients(kind, device);
    if (!recipients.isEmpty()) {
      deliver(recipients, Published.of(kind, device, ts, message));
    }
  }

  /** Gives {@code message} to each of {@code recipients} once. */
  public static void deliver(List<Subscriber> recipients, Published message) {
    long publishedNanos = System.nanoTime();
    if (recipients.size() == 1) {
      recipients.get(0).offer(message, publishedNanos);
      return;
    }
    Set<Subscriber> once = Collections.newSetFromMap(new IdentityHashMap<>(recipients.size() * 2));
    for (Subscriber recipient : recipients) {
      if (once.add(recipient)) {
        recipient.offer(message, publishedNanos);
      }
    }
  }

  @Override
  public void subscribe(Subscriber subscriber, TopicFilter filter) {
    trie.add(filter, subscriber);
  }

  @Override
  public void unsubscribe(Subscriber subscriber, TopicFilter filter) {
    trie.remove(filter, subscriber);
  }
}
