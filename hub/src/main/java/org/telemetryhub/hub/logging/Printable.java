package org.telemetryhub.hub.logging;

/**
 * Client input written into a log line or kept: with its control characters escaped for a log line
 * ({@link #of}), or replaced by spaces in text the hub keeps and shows ({@link #oneLine}), so that
 * a newline in a close reason cannot forge a line of the event log, nor a quote end a quoted value.
 */
public final class Printable {

  private Printable() {
  }

  /**
   * {@code text} with every control character (line breaks, escapes, C1 codes, the Unicode line
   * and paragraph separators) written as {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX},
   * and backslashes and double quotes escaped: one line, whose quoted values end where they seem to.
   */
  public static String of(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder escaped = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = switch (c) {
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        case '\t' -> "\\t";
        case '\\' -> "\\\\";
        case '"' -> "\\\"";
        default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? String.format("\\u%04x", (int) c) : null;
      };
      if (replacement != null && escaped == null) {
        escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (escaped != null) {
        if (replacement != null) {
          escaped.append(replacement);
        } else {
          escaped.append(c);
        }
      }
    }
    return escaped == null ? text : escaped.toString();
  }


  /** {@code text} with every control character (and the Unicode line and paragraph separators) replaced by a space. */
  public static String oneLine(String text) {
    if (text == null) {
      return null;
    }
    char[] chars = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (chars == null) {
          chars = text.toCharArray();
        }
        chars[i] = ' ';
      }
    }
    return chars == null ? text : new String(chars);
  }
}
