package org.telemetryhub.hub.pubsub;

import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * A text frame over bytes already encoded: each recipient gets its own frame object wrapping the
 * same array, so a message is serialised once however many subscribers receive it. (The public
 * API only makes text frames from Strings, encoding them again for every socket.)
 */
final class SharedTextFrame {

  private SharedTextFrame() {
  }

  static WebSocketFrame of(byte[] utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
  }
}
