package org.telemetryhub.hub.pubsub;

/**
 * Where a subscriber's stored readings (a resume with {@code since}, retained messages) meet the
 * live ones, so that nothing comes twice and nothing live passes what was looked up:
 * <ol>
 *   <li>{@link #hold}: while a request is looked up, live messages wait in the queue (under its
 *   bounds) behind the replies;</li>
 *   <li>{@link #release}: once every reply is queued, the held live messages follow, less the
 *   readings the replay carried;</li>
 *   <li>{@link #lateCopy}: for {@link #LATE_COPIES_MILLIS} after that, a live copy of a replayed
 *   reading is still dropped: in a cluster a copy from another node can arrive after the replay
 *   that carried it.</li>
 * </ol>
 * Hold and release run on the connection's event loop; {@link #lateCopy} on any publisher's thread.
 */
final class ResumeSeam {

  static final long LATE_COPIES_MILLIS = 10_000;

  /** Runs an action once, after a delay: the connection's event loop in the hub. */
  interface Timer {
    void after(long millis, Runnable action);
  }

  private final SubscriberQueue queue;
  private final Timer timer;
  /** The readings the last replay carried, for as long as late copies of them may come; null otherwise. */
  private volatile ReplayedReadings recent;

  ResumeSeam(SubscriberQueue queue, Timer timer) {
    this.queue = queue;
    this.timer = timer;
  }

  /** A lookup starts: live messages wait behind its replies. */
  void hold() {
    queue.holdPublished();
  }

  /** Every reply of the lookup is queued: the held live messages follow, less the readings {@code replayed} carried. */
  void release(ReplayedReadings replayed) {
    if (!replayed.isEmpty()) {
      recent = replayed;
      timer.after(LATE_COPIES_MILLIS, () -> {
        if (recent == replayed) {
          recent = null;
        }
      });
    }
    queue.releasePublished(held -> replayed.carried(held.published()));
  }

  /** Whether a live message that arrives now is a copy of a reading a recent replay carried (then it is dropped). */
  boolean lateCopy(Published message) {
    ReplayedReadings replayed = recent;
    return replayed != null && replayed.carried(message);
  }
}
