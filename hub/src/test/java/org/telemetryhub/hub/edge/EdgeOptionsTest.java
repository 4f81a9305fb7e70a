package org.telemetryhub.hub.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.config.OpenFileLimit;

class EdgeOptionsTest {

  /** Verifies the automatic connection limits: nine tenths of the open files, a quarter of that per address. */
  @Test
  void automaticConnectionLimitsFollowTheOpenFileLimit() {
    long openFiles = OpenFileLimit.get();
    assertEquals(openFiles - Math.max(64, openFiles / 10), EdgeOptions.DEFAULTS.connectionLimit());
    assertEquals(EdgeOptions.DEFAULTS.connectionLimit() / 4, EdgeOptions.DEFAULTS.connectionLimitPerAddress());
    EdgeOptions set = EdgeOptions.DEFAULTS.withConnectionLimits(100, 7);
    assertEquals(100, set.connectionLimit());
    assertEquals(7, set.connectionLimitPerAddress());
  }
}
