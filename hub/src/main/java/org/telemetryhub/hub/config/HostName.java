package org.telemetryhub.hub.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The name of this machine as the kernel has it, without a lookup: {@code InetAddress.getLocalHost()}
 * asks the resolver, which can block for seconds when DNS does not answer. That lookup is the last resort.
 */
public final class HostName {

  private static final Path KERNEL_HOST_NAME = Path.of("/proc/sys/kernel/hostname");

  private HostName() {
  }

  public static String ofThisMachine() {
    try {
      String name = Files.readString(KERNEL_HOST_NAME, StandardCharsets.US_ASCII).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: ask the resolver
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "hub";
    }
  }
}
