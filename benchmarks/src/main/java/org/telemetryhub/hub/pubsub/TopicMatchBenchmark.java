package org.telemetryhub.hub.pubsub;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.telemetryhub.hub.address.TopicFilter;
import org.telemetryhub.hub.address.Topics;

/**
 * Finding who gets a reading: the cost should follow the subscribers that match, not all
 * subscriptions. {@code subscriptions} exact per-device filters, plus 10 "readings/+" and 2 "#".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TopicMatchBenchmark {

  @Param({"100", "10000", "100000"})
  int subscriptions;

  private final TopicTrie<Integer> trie = new TopicTrie<>();
  private int next;

  @Setup
  public void subscribe() {
    for (int i = 0; i < subscriptions; i++) {
      trie.add(TopicFilter.parse("readings/dev-" + i), i);
    }
    for (int i = 0; i < 10; i++) {
      trie.add(TopicFilter.parse("readings/+"), -i - 1);
    }
    trie.add(TopicFilter.parse("#"), -100);
    trie.add(TopicFilter.parse("#"), -101);
  }

  /** A reading of a device that one exact filter, the ten "+" and the two "#" match. */
  @Benchmark
  public List<Integer> matchOneDevice() {
    next = (next + 1) % subscriptions;
    return trie.match(Topics.READINGS, "dev-" + next);
  }

  /** A status message: only the two "#" match. */
  @Benchmark
  public List<Integer> matchStatusNobodyExactlyWants() {
    return trie.match(Topics.STATUS, "dev-1");
  }
}
