package org.telemetryhub.hub.pubsub;

import org.telemetryhub.hub.address.TopicFilter;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

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

  @Test
  void removingPrunesAndStopsMatching() {
    add("a", "readings/dev-1");
    add("b", "readings/dev-1");
    trie.remove(TopicFilter.parse("readings/dev-1"), "a");
    assertEquals(Set.of("b"), match("readings", "dev-1"));
    trie.remove(TopicFilter.parse("readings/dev-1"), "b");
    assertEquals(Set.of(), match("readings", "dev-1"));
    trie.remove(TopicFilter.parse("status/+"), "nobody");
  }
}
