package org.telemetryhub.hub.cluster;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Published messages on their way to another node, many in one event-bus message: each its kind,
 * its device, the reading's time (-1 for other messages) and its bytes as the subscribers receive
 * them (encoded once, on the node where they were published).
 */
final class MessageBatch {

  /** One message of a batch. */
  record Entry(String kind, String device, long ts, byte[] message) {

    int encodedSize() {
      return 2 + kind.length() + 2 + device.length() * 3 + 8 + 4 + message.length;
    }
  }

  private MessageBatch() {
  }

  static void append(Buffer batch, Entry entry) {
    appendShortString(batch, entry.kind());
    appendShortString(batch, entry.device());
    batch.appendLong(entry.ts());
    batch.appendInt(entry.message().length).appendBytes(entry.message());
  }

  private static void appendShortString(Buffer batch, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    batch.appendShort((short) bytes.length).appendBytes(bytes);
  }

  /** Calls {@code each} with every entry of {@code batch}, in order; returns how many there were. */
  static int forEach(Buffer batch, Consumer<Entry> each) {
    int at = 0;
    int count = 0;
    while (at < batch.length()) {
      int kindLength = batch.getShort(at);
      String kind = batch.getString(at + 2, at + 2 + kindLength, "UTF-8");
      at += 2 + kindLength;
      int deviceLength = batch.getShort(at);
      String device = batch.getString(at + 2, at + 2 + deviceLength, "UTF-8");
      at += 2 + deviceLength;
      long ts = batch.getLong(at);
      at += 8;
      int messageLength = batch.getInt(at);
      byte[] message = batch.getBytes(at + 4, at + 4 + messageLength);
      at += 4 + messageLength;
      each.accept(new Entry(kind, device, ts, message));
      count++;
    }
    return count;
  }
}
