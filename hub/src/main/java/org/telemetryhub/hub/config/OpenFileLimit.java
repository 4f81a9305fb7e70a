package org.telemetryhub.hub.config;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** The process's limit of open files (RLIMIT_NOFILE), which bounds how many connections it can hold. */
public final class OpenFileLimit {

  /** What to assume where the JVM cannot tell (not a Unix system). */
  private static final long UNKNOWN = 4096;

  private OpenFileLimit() {
  }

  public static long get() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return UNKNOWN;
  }
}
