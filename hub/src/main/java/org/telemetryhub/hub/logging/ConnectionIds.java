package org.telemetryhub.hub.logging;

import java.util.concurrent.atomic.AtomicLong;

/** Short, unique-per-process connection ids ("c1", "c2", ...) that tie a connection's log lines together. */
public final class ConnectionIds {

  private static final AtomicLong NEXT = new AtomicLong();

  private ConnectionIds() {
  }

  public static String next() {
    return "c" + Long.toString(NEXT.incrementAndGet(), 36);
  }
}
