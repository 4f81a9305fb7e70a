package org.telemetryhub.hub.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.auth.Credentials;
import org.telemetryhub.hub.auth.TokenKind;

/** The subscriber slots: in all, per token name, and the ones kept for api tokens. */
class SubscriberSlotsTest {

  private static Credentials subscriber(String name) {
    return Credentials.open(TokenKind.SUBSCRIBER, name);
  }

  /** Verifies that subscriber tokens leave the last slots to api tokens, and api tokens may take them. */
  @Test
  void apiTokensKeepSlotsOfTheirOwn() {
    SubscriberSlots slots = new SubscriberSlots(20, 100);
    assertEquals(2, SubscriberSlots.reservedForApi(20));
    assertEquals(10, SubscriberSlots.reservedForApi(1000), "the default limit keeps 10");
    assertEquals(0, SubscriberSlots.reservedForApi(5), "a small limit keeps none, so subscribers get in at all");
    for (int i = 0; i < 18; i++) {
      assertNull(slots.take(subscriber("s" + i)));
    }
    assertEquals("subscriber limit of 20 reached (2 kept for api tokens)", slots.take(subscriber("late")));
    assertNull(slots.take(Credentials.open(TokenKind.API, "console")));
    assertNull(slots.take(Credentials.open(TokenKind.API, "ops")));
    assertEquals("subscriber limit of 20 reached", slots.take(Credentials.open(TokenKind.API, "third")));
    slots.give(subscriber("s0"));
    assertNull(slots.take(subscriber("late")), "a subscriber's slot given back is free again");
    assertEquals("subscriber limit of 20 reached", slots.take(Credentials.open(TokenKind.API, "third")));
  }

  /** Verifies the limit per name: a name's slots come back as its connections close. */
  @Test
  void oneNameHoldsItsShareOnly() {
    SubscriberSlots slots = new SubscriberSlots(1000, 3);
    for (int i = 0; i < 3; i++) {
      assertNull(slots.take(subscriber("greedy")));
    }
    assertEquals("subscriber limit of 3 connections per token reached for subscriber 'greedy'", slots.take(subscriber("greedy")));
    assertNull(slots.take(subscriber("modest")));
    slots.give(subscriber("greedy"));
    assertNull(slots.take(subscriber("greedy")));
  }

  /** Verifies that slots taken at once from many threads never exceed the limit (as upgrades on several event loops). */
  @Test
  void concurrentTakersNeverOvershoot() throws Exception {
    SubscriberSlots slots = new SubscriberSlots(100, 1_000_000);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> taken = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        String name = "s" + i;
        taken.add(threads.submit(() -> slots.take(subscriber(name)) == null));
      }
      int granted = 0;
      for (Future<Boolean> one : taken) {
        granted += one.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(100 - SubscriberSlots.reservedForApi(100), granted);
    } finally {
      threads.shutdownNow();
    }
  }
}
