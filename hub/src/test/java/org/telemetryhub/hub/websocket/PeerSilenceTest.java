package org.telemetryhub.hub.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What counts as a peer's silence for its heartbeat timeout. */
class PeerSilenceTest {

  private static final long S = 1_000_000_000L;

  @Test
  void silenceIsTheTimeSinceThePeerWasLastHeard() {
    PeerSilence silence = new PeerSilence(0);
    assertEquals(10 * S, silence.quietNanos(10 * S));
    silence.heard(12 * S);
    assertEquals(3 * S, silence.quietNanos(15 * S));
  }

  /** Resuming after the hub's own pause is no sign of life: the quiet time before the pause still counts. */
  @Test
  void theHubsOwnPauseIsLeftOutButNotForgiven() {
    PeerSilence silence = new PeerSilence(0);
    silence.suspend(true, 25 * S);
    assertTrue(silence.suspended());
    silence.suspend(true, 26 * S); // a second reason to pause changes nothing
    silence.suspend(false, 35 * S);
    assertFalse(silence.suspended());
    assertEquals(25 * S, silence.quietNanos(35 * S), "the 10 s paused are left out, the 25 s before are not");
    assertEquals(30 * S, silence.quietNanos(40 * S));
  }

  /** A resume without a pause that stopped the heartbeat (the peer did not read its replies) changes nothing. */
  @Test
  void aResumeWithoutASuspensionIsNoSignOfLife() {
    PeerSilence silence = new PeerSilence(0);
    silence.suspend(false, 20 * S);
    silence.suspend(false, 29 * S);
    assertEquals(31 * S, silence.quietNanos(31 * S));
  }

  @Test
  void thePeerHeardDuringAPauseCounts() {
    PeerSilence silence = new PeerSilence(0);
    silence.suspend(true, 10 * S);
    silence.heard(12 * S); // frames read before the pause took hold
    silence.suspend(false, 20 * S);
    assertEquals(0, silence.quietNanos(20 * S), "never more than the time since it was heard");
  }
}
