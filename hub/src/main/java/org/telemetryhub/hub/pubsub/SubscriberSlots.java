package org.telemetryhub.hub.pubsub;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.telemetryhub.hub.auth.Credentials;
import org.telemetryhub.hub.auth.TokenKind;

/**
 * The subscriber connections a hub holds, against three limits: in all, per token subject (the
 * name a subscriber or api token was issued for: one token cannot take every slot), and a few
 * slots that only api tokens may take (an operator's console still gets in when subscribers have
 * taken the rest). A slot is taken before the connection is served and given back when it closes;
 * taking is atomic, so connections upgraded at once on different event loops cannot overshoot.
 * A subject is in the map only while it holds a connection.
 */
final class SubscriberSlots {

  private final int max;
  private final int perSubject;
  private final int reservedForApi;
  private final AtomicInteger taken = new AtomicInteger();
  /** Of those, the ones subscriber tokens took: they may take all but the slots kept for api tokens. */
  private final AtomicInteger takenBySubscribers = new AtomicInteger();
  private final ConcurrentMap<String, AtomicInteger> bySubject = new ConcurrentHashMap<>();

  SubscriberSlots(int max, int perSubject) {
    this.max = max;
    this.perSubject = perSubject;
    this.reservedForApi = reservedForApi(max);
  }

  /** Slots kept for api tokens: a tenth of the limit, at most 10 (none below a limit of 10). */
  static int reservedForApi(int max) {
    return Math.min(10, max / 10);
  }

  /** Takes a slot for a connection with {@code credentials}; returns null, or why not (the reason of its 1008). */
  String take(Credentials credentials) {
    boolean api = credentials.kind() == TokenKind.API;
    if (!api && takenBySubscribers.incrementAndGet() > max - reservedForApi) {
      takenBySubscribers.decrementAndGet();
      return "subscriber limit of " + max + " reached" + (reservedForApi > 0 ? " (" + reservedForApi + " kept for api tokens)" : "");
    }
    if (taken.incrementAndGet() > max) {
      taken.decrementAndGet();
      release(api);
      return "subscriber limit of " + max + " reached";
    }
    String subject = credentials.revocationKey();
    boolean[] refused = {false};
    bySubject.compute(subject, (key, count) -> {
      AtomicInteger held = count == null ? new AtomicInteger() : count;
      if (held.get() >= perSubject) {
        refused[0] = true;
      } else {
        held.incrementAndGet();
      }
      return held.get() == 0 ? null : held;
    });
    if (refused[0]) {
      taken.decrementAndGet();
      release(api);
      return "subscriber limit of " + perSubject + " connections per token reached for " + credentials.kind().wireName()
          + " '" + org.telemetryhub.hub.address.Echo.of(credentials.subject()) + "'";
    }
    return null;
  }

  private void release(boolean api) {
    if (!api) {
      takenBySubscribers.decrementAndGet();
    }
  }

  /** Gives back the slot {@link #take} gave a connection with {@code credentials}. */
  void give(Credentials credentials) {
    taken.decrementAndGet();
    release(credentials.kind() == TokenKind.API);
    bySubject.computeIfPresent(credentials.revocationKey(), (key, count) -> count.decrementAndGet() == 0 ? null : count);
  }
}
