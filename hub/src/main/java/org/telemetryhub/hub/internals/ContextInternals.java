package org.telemetryhub.hub.internals;

import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

/** The Vert.x internals the hub uses on contexts. */
public final class ContextInternals {

  private ContextInternals() {
  }

  /**
   * The event loop's own context under {@code context}: Vert.x wraps it in a duplicate for each
   * request and socket, so keys by context would make one entry per socket. Without the internals,
   * the context as it is.
   */
  public static Context eventLoopContext(Context context) {
    return context instanceof ContextInternal internal ? internal.unwrap() : context;
  }
}
