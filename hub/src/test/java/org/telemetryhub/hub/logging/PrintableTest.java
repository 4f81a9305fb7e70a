package org.telemetryhub.hub.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Client text made one printable line: control characters and quotes escaped, plain text untouched. */
class PrintableTest {

  /** Verifies that line breaks, tabs, escapes, C1 codes and Unicode line separators are written as escapes. */
  @Test
  void controlCharactersAreEscaped() {
    assertEquals("bye\\n2026 INFO forged\\r\\tx", Printable.of("bye\n2026 INFO forged\r\tx"));
    assertEquals("a\\u001b[31mred\\u0085next\\u2028line", Printable.of("a\u001b[31mred\u0085next\u2028line"));
    assertEquals("say \\\"hi\\\" with a \\\\", Printable.of("say \"hi\" with a \\"));
  }

  /** Verifies that text with nothing to escape comes back as it is (no copy), and null stays null. */
  @Test
  void plainTextIsUntouched() {
    String plain = "closed by device: going to sleep, back at 06:00 (ü, 温度)";
    assertSame(plain, Printable.of(plain));
    assertEquals(null, Printable.of(null));
  }

  /** Verifies that text kept and shown (a close reason in a device's status) has its control characters made spaces. */
  @Test
  void keptTextIsOneLine() {
    assertEquals("bye 2026 INFO forged  x", Printable.oneLine("bye\n2026 INFO forged\r\tx"));
    String plain = "say \"hi\" with a \\";
    assertSame(plain, Printable.oneLine(plain));
  }
}
