package org.telemetryhub.hub.process;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** Which failures end the process: the ones the JVM cannot go on from, wherever they are in the chain of causes. */
class FatalErrorsTest {

  /** Verifies that an OutOfMemoryError is fatal on its own and as the cause of another failure (as Netty wraps it). */
  @Test
  void outOfMemoryIsFatalWhereverItIs() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    assertSame(oom, FatalErrors.fatalIn(oom));
    assertSame(oom, FatalErrors.fatalIn(new RuntimeException("decoder failed", new IllegalStateException(oom))));
    InternalError internal = new InternalError("a fault in the JVM");
    assertSame(internal, FatalErrors.fatalIn(internal));
  }

  /** Verifies that ordinary failures, and a stack overflow (which a client's input might cause), never end the process. */
  @Test
  void ordinaryFailuresAndStackOverflowsAreNotFatal() {
    assertNull(FatalErrors.fatalIn(new IllegalStateException("a bug")));
    assertNull(FatalErrors.fatalIn(new UncheckedIOException(new IOException("connection reset"))));
    assertNull(FatalErrors.fatalIn(new RuntimeException(new StackOverflowError())));
    assertNull(FatalErrors.fatalIn(null));
  }
}
