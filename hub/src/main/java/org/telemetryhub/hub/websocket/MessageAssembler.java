package org.telemetryhub.hub.websocket;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;

/**
 * Joins the fragments of one WebSocket message, up to a size limit, for one connection.
 *
 * <p>The hub reads frames itself rather than through Vert.x's message handlers: those drop a
 * fragmented message over the limit without closing the connection (so an ack that follows would
 * cover packets never stored), and an empty first fragment leaves them unable to take any later
 * message. Here every outcome is explicit: a whole message, a fragment kept for later, or a
 * violation that closes the connection. An unfragmented message is handed on without a copy.
 * Not thread-safe: call it on the connection's event loop.
 */
public final class MessageAssembler {

  /** What one data frame amounts to. Exactly one of the three getters is meaningful. */
  public static final class Result {
    private static final Result PARTIAL = new Result(null, null, null);

    private final WebSocketFrameType type;
    private final Buffer message;
    private final CloseReason violation;

    private Result(WebSocketFrameType type, Buffer message, CloseReason violation) {
      this.type = type;
      this.message = message;
      this.violation = violation;
    }

    /** A whole message: TEXT or BINARY; null while the message is incomplete or after a violation. */
    public WebSocketFrameType type() {
      return type;
    }

    public Buffer message() {
      return message;
    }

    /** Why the connection must close, or null. */
    public CloseReason violation() {
      return violation;
    }
  }

  private final int maxMessageBytes;
  private WebSocketFrameType inProgress;
  private Buffer fragments;

  public MessageAssembler(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * Takes the next data frame (TEXT, BINARY or CONTINUATION); control frames must not be passed.
   * The frame decoder has already refused a continuation without a start and a new message in
   * the middle of another; they are refused here too, so that this class holds on its own.
   */
  public Result accept(WebSocketFrame frame) {
    WebSocketFrameType type = frame.type();
    Buffer data = frame.binaryData();
    if (type == WebSocketFrameType.CONTINUATION) {
      if (inProgress == null) {
        return violation(new CloseReason(CloseCause.PROTOCOL_ERROR, "continuation frame without a message to continue"));
      }
      if ((long) fragments.length() + data.length() > maxMessageBytes) {
        return violation(tooLarge());
      }
      fragments.appendBuffer(data);
      if (!frame.isFinal()) {
        return Result.PARTIAL;
      }
      Result whole = new Result(inProgress, fragments, null);
      inProgress = null;
      fragments = null;
      return whole;
    }
    if (type != WebSocketFrameType.TEXT && type != WebSocketFrameType.BINARY) {
      throw new IllegalArgumentException("not a data frame: " + type);
    }
    if (inProgress != null) {
      return violation(new CloseReason(CloseCause.PROTOCOL_ERROR, "new message started before the fragmented one ended"));
    }
    if (data.length() > maxMessageBytes) {
      return violation(tooLarge());
    }
    if (frame.isFinal()) {
      return new Result(type, data, null);
    }
    inProgress = type;
    fragments = Buffer.buffer(Math.max(data.length() * 2, 256)).appendBuffer(data);
    return Result.PARTIAL;
  }

  /** The type of the message whose fragments are arriving, or null between messages. */
  public WebSocketFrameType inProgress() {
    return inProgress;
  }

  private CloseReason tooLarge() {
    return new CloseReason(CloseCause.TOO_LARGE, "message larger than the limit of " + maxMessageBytes + " bytes");
  }

  private Result violation(CloseReason reason) {
    inProgress = null;
    fragments = null;
    return new Result(null, null, reason);
  }
}
