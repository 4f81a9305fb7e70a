package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.address.TopicFilter;

class TopicTrieTest {

  private final TopicTrie<String> trie = new TopicTrie<>();

  private void add(String subscriber, String... filters) {
    for (String filter : filters) {
      trie.add(TopicFilter.parse(filter), subscriber);
    }
  }

  private Set<String> match(String kind, String device) {
    return new TreeSet<>(trie.match(kind, device));
  }

  @Test
  void findsExactlyTheSubscribersWhoseFiltersMatch() {
    add("exact", "readings/dev-1");
    add("plus", "readings/+");
    add("kindless", "+/dev-1");
    add("all", "#");
    add("allReadings", "readings/#");
    add("status", "status/+");
    add("other", "readings/dev-2");

    assertEquals(Set.of("exact", "plus", "kindless", "all", "allReadings"), match("readings", "dev-1"));
    assertEquals(Set.of("plus", "all", "allReadings", "other"), match("readings", "dev-2"));
    assertEquals(Set.of("kindless", "all", "status"), match("status", "dev-1"));
    assertEquals(Set.of("all"), match("alerts", "dev-9"));
  }

  @Test
  void aSubscriberWithOverlappingFiltersIsListedPerFilterAndTheBrokerDedupes() {
    add("a", "readings/+", "readings/dev-1", "#");
    assertEquals(List.of("a", "a", "a"), trie.match("readings", "dev-1"));
  }

  /** Verifies that removing stops matching and prunes the branches left empty, so the trie does not grow with churn. */
  @Test
  void removingPrunesAndStopsMatching() {
    add("a", "readings/dev-1");
    add("b", "readings/dev-1");
    add("c", "readings/+");
    assertEquals(3, trie.nodeCount(), "readings, readings/dev-1, readings/+");
    trie.remove(TopicFilter.parse("readings/dev-1"), "a");
    assertEquals(Set.of("b", "c"), match("readings", "dev-1"));
    assertEquals(3, trie.nodeCount(), "b still holds readings/dev-1");
    trie.remove(TopicFilter.parse("readings/dev-1"), "b");
    assertEquals(Set.of("c"), match("readings", "dev-1"));
    assertEquals(2, trie.nodeCount(), "readings/dev-1 pruned");
    trie.remove(TopicFilter.parse("status/+"), "nobody");
    assertEquals(2, trie.nodeCount(), "removing what is not there adds nothing");
    trie.remove(TopicFilter.parse("readings/+"), "c");
    assertEquals(0, trie.nodeCount(), "every branch pruned");
    assertEquals(Set.of(), match("readings", "dev-1"));
  }
}
