package org.telemetryhub.hub.process;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Errors the process cannot go on from, and what happens then. After an {@link OutOfMemoryError}
 * (or an {@link InternalError} of the JVM) any thread may have died half-way: a store writer
 * whose devices then wait for acks forever, an event loop with a connection's state torn. A hub in
 * that state would keep answering its health checks while storing nothing; it ends instead, with
 * exit code {@link #EXIT_CODE}, so that its supervisor (systemd, Docker, Kubernetes) starts it
 * again. Nothing acknowledged is lost: what was acked is stored, and the devices keep everything
 * else in their outboxes and send it again.
 *
 * <p>Such an error can surface on any thread and in any library; every place the hub catches
 * failures passes them to {@link #check}, and {@link #endProcessOnFatal} also watches threads that
 * die and everything logged with a throwable (Netty and Vert.x log what they catch).
 */
public final class FatalErrors {

  /** The exit code of a hub that ended on a fatal error. */
  public static final int EXIT_CODE = 3;

  private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

  /** What happens on a fatal error: nothing until {@link #endProcessOnFatal} (an embedded hub leaves it to its host). */
  private static volatile Runnable onFatal = () -> { };

  private FatalErrors() {
  }

  /**
   * From now on a fatal error ends the process: passed to {@link #check}, thrown out of a thread,
   * or logged. For the hub's own process ({@code hub serve}, the demo), not for a hub embedded in
   * another program.
   */
  public static void endProcessOnFatal() {
    onFatal = () -> Runtime.getRuntime().halt(EXIT_CODE);
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
      check(failure);
      if (previous != null) {
        previous.uncaughtException(thread, failure);
      } else {
        LOG.error("thread {} ended on an uncaught exception", thread.getName(), failure);
      }
    });
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      logback.addTurboFilter(new LoggedFatalErrors());
    }
  }

  /** Ends the process if {@code failure}, or what caused it, is an error the JVM cannot go on from; returns otherwise. */
  public static void check(Throwable failure) {
    VirtualMachineError fatal = fatalIn(failure);
    if (fatal == null) {
      return;
    }
    try {
      // Printed straight to standard error: under OutOfMemoryError the logger itself may fail.
      System.err.println("FATAL the hub ends on " + fatal + " (exit code " + EXIT_CODE
          + "); its supervisor should start it again");
      System.err.flush();
    } finally {
      onFatal.run();
    }
  }

  /** The error in {@code failure} or its causes that the process cannot go on from, or null. */
  static VirtualMachineError fatalIn(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      // A StackOverflowError is not among them: it unwinds the one call that overflowed, and
      // ending the process for it would let whoever caused it stop the hub.
      if (cause instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
        return fatal;
      }
    }
    return null;
  }

  /** Sees every log call that carries a throwable, before any formatting: Netty and Vert.x log what they catch. */
  private static final class LoggedFatalErrors extends TurboFilter {
    @Override
    public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                              Object[] params, Throwable failure) {
      if (failure != null) {
        check(failure);
      } else if (params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
        check(last);
      }
      return FilterReply.NEUTRAL;
    }
  }
}
