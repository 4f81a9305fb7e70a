package org.telemetryhub.hub.pubsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.telemetryhub.hub.address.TopicFilter;

/**
 * Subscriptions indexed by filter level, so that finding who gets a message costs in proportion
 * to the subscribers that match it, not to all subscriptions. Reads (every published message)
 * take no lock; changes (subscribe, unsubscribe) are serialised.
 *
 * @param <S> the subscriber
 */
public final class TopicTrie<S> {

  private static final class Node<S> {
    final Map<String, Node<S>> children = new ConcurrentHashMap<>();
    final Set<S> subscribers = ConcurrentHashMap.newKeySet();

    boolean isEmpty() {
      return children.isEmpty() && subscribers.isEmpty();
    }
  }

  private final Node<S> root = new Node<>();

  public synchronized void add(TopicFilter filter, S subscriber) {
    Node<S> node = root;
    for (String level : filter.levels()) {
      node = node.children.computeIfAbsent(level, k -> new Node<>());
    }
    node.subscribers.add(subscriber);
  }

  public synchronized void remove(TopicFilter filter, S subscriber) {
    remove(root, filter.levels(), 0, subscriber);
  }

  /** Removes and prunes empty branches; returns whether {@code node} is now empty. */
  private boolean remove(Node<S> node, String[] levels, int depth, S subscriber) {
    if (depth == levels.length) {
      node.subscribers.remove(subscriber);
    } else {
      Node<S> child = node.children.get(levels[depth]);
      if (child != null && remove(child, levels, depth + 1, subscriber)) {
        node.children.remove(levels[depth]);
      }
    }
    return node.isEmpty();
  }

  /**
   * Every subscriber with a filter matching {@code kind/device}; one with several matching filters
   * appears once per filter. Called for every reading: with nobody subscribed it allocates nothing.
   */
  public List<S> match(String kind, String device) {
    List<S> matches = collect(root.children.get(TopicFilter.REST), null);
    matches = collectUnder(root.children.get(kind), device, matches);
    matches = collectUnder(root.children.get(TopicFilter.ONE_LEVEL), device, matches);
    return matches == null ? List.of() : matches;
  }

  /** The subscribers below a first-level node whose second level matches the device. */
  private static <S> List<S> collectUnder(Node<S> first, String device, List<S> matches) {
    if (first == null) {
      return matches;
    }
    matches = collect(first.children.get(TopicFilter.REST), matches);
    matches = collect(first.children.get(TopicFilter.ONE_LEVEL), matches);
    return collect(first.children.get(device), matches);
  }

  private static <S> List<S> collect(Node<S> node, List<S> into) {
    if (node == null || node.subscribers.isEmpty()) {
      return into;
    }
    List<S> list = into == null ? new ArrayList<>() : into;
    list.addAll(node.subscribers);
    return list;
  }

  /** Nodes below the root: how much the trie holds (pruning brings it back to 0 when every filter is gone). */
  public synchronized int nodeCount() {
    return countBelow(root);
  }

  private static int countBelow(Node<?> node) {
    int count = 0;
    for (Node<?> child : node.children.values()) {
      count += 1 + countBelow(child);
    }
    return count;
  }
}
