package org.telemetryhub.hub.pubsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Subscriptions indexed by filter level, so that finding who gets a message costs in proportion
 * to the subscribers that match it, not to all subscriptions. Reads (every published message)
 * take no lock; changes (subscribe, unsubscribe) are serialised.
 *
 * @param <S> the subscriber
 */
final class TopicTrie<S> {

  private static final class Node<S> {
    final Map<String, Node<S>> children = new ConcurrentHashMap<>();
    final Set<S> subscribers = ConcurrentHashMap.newKeySet();

    boolean isEmpty() {
      return children.isEmpty() && subscribers.isEmpty();
    }
  }

  private final Node<S> root = new Node<>();

  synchronized void add(TopicFilter filter, S subscriber) {
    Node<S> node = root;
    for (String level : filter.levels()) {
      node = node.children.computeIfAbsent(level, k -> new Node<>());
    }
    node.subscribers.add(subscriber);
  }

  synchronized void remove(TopicFilter filter, S subscriber) {
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

  /** Every subscriber with a filter matching {@code kind/device}; one with several matching filters appears once per filter. */
  List<S> match(String kind, String device) {
    List<S> matches = new ArrayList<>(0);
    collect(root.children.get(TopicFilter.REST), matches);
    for (Node<S> first : new Node[] {root.children.get(kind), root.children.get(TopicFilter.ONE_LEVEL)}) {
      if (first != null) {
        collect(first.children.get(TopicFilter.REST), matches);
        collect(first.children.get(TopicFilter.ONE_LEVEL), matches);
        collect(first.children.get(device), matches);
      }
    }
    return matches;
  }

  private static <S> void collect(Node<S> node, List<S> into) {
    if (node != null) {
      into.addAll(node.subscribers);
    }
  }
}
