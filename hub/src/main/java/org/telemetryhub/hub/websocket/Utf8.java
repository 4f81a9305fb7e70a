package org.telemetryhub.hub.websocket;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The strict UTF-8 check RFC 6455 (section 8.1) asks of every text message: a byte sequence that
 * is not UTF-8 (a stray byte, an overlong form, an encoded surrogate) fails the connection with
 * 1007 instead of being read with replacement characters.
 */
final class Utf8 {

  private Utf8() {
  }

  /** True when the whole message is valid UTF-8. */
  static boolean valid(Buffer message) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(message.getBytes()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
