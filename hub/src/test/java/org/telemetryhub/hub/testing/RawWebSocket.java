package org.telemetryhub.hub.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client written by hand over a plain socket, for what a well-behaved client library
 * will not do: stop answering pings (it simply stops reading), or send a frame of any shape.
 */
public final class RawWebSocket implements AutoCloseable {

  public static final int CONTINUATION = 0;
  public static final int TEXT = 1;
  public static final int BINARY = 2;
  public static final int CLOSE = 8;
  public static final int PING = 9;
  public static final int PONG = 10;

  /** A frame read from the hub; {@code null} from {@link #readFrame} means the TCP connection ended. */
  public record Frame(int opcode, byte[] payload) {
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private final String handshake;

  private RawWebSocket(Socket socket, String handshake) throws IOException {
    this.socket = socket;
    this.handshake = handshake;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Performs the opening handshake; fails the test unless the hub answers 101. */
  public static RawWebSocket connect(int port, String path, String token) throws IOException {
    return connect(port, path, token, 0);
  }

  /** As {@link #connect(int, String, String)}, with a small receive buffer (bytes, 0 for the default) for a client that falls behind quickly. */
  public static RawWebSocket connect(int port, String path, String token, int receiveBufferBytes) throws IOException {
    return connect(port, path, token, receiveBufferBytes, "");
  }

  /** As {@link #connect(int, String, String, int)}, with more request headers ("Name: value\r\n" each). */
  public static RawWebSocket connect(int port, String path, String token, int receiveBufferBytes, String extraHeaders)
      throws IOException {
    return connect(port, path, token, receiveBufferBytes, extraHeaders, new byte[0]);
  }

  /**
   * As {@link #connect(int, String, String, int, String)}, sending {@code withRequest} (frames, say)
   * in the same write as the upgrade request, before the hub's 101.
   */
  public static RawWebSocket connect(int port, String path, String token, int receiveBufferBytes, String extraHeaders,
                                     byte[] withRequest) throws IOException {
    Socket socket = new Socket();
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(10_000);
    String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    String request = "GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
        + extraHeaders
        + "\r\n";
    ByteArrayOutputStream write = new ByteArrayOutputStream();
    write.writeBytes(request.getBytes(StandardCharsets.US_ASCII));
    write.writeBytes(withRequest);
    socket.getOutputStream().write(write.toByteArray());
    String head = readHeaders(socket.getInputStream());
    if (!head.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new AssertionError("upgrade refused: " + head.substring(0, head.indexOf("\r\n")));
    }
    return new RawWebSocket(socket, head);
  }

  private static String readHeaders(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the handshake");
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** The hub's 101 response: status line and headers. */
  public String handshake() {
    return handshake;
  }

  /** Sends one whole (final), masked frame, as a client must. */
  public void sendFrame(int opcode, byte[] payload) throws IOException {
    sendFrame(true, 0, opcode, payload, true);
  }

  /** Sends one fragment: {@code fin} false for every fragment but the last, which is a CONTINUATION. */
  public void sendFragment(boolean fin, int opcode, byte[] payload) throws IOException {
    sendFrame(fin, 0, opcode, payload, true);
  }

  /** Sends a frame of any shape: reserved bits {@code rsv} (0 to 7), masked or not. */
  public void sendFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
    out.write(encode(fin, rsv, opcode, payload, masked));
    out.flush();
  }

  /** The bytes of one client frame, as {@link #sendFrame(boolean, int, int, byte[], boolean)} sends it. */
  public static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | opcode & 0x0f);
    int maskBit = masked ? 0x80 : 0;
    int length = payload.length;
    if (length < 126) {
      frame.write(maskBit | length);
    } else if (length < 65536) {
      frame.write(maskBit | 126);
      frame.write(length >>> 8);
      frame.write(length);
    } else {
      frame.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) length >>> shift));
      }
    }
    byte[] mask = {1, 2, 3, 4};
    if (masked) {
      frame.write(mask, 0, 4);
    }
    for (int i = 0; i < length; i++) {
      frame.write(masked ? payload[i] ^ mask[i % 4] : payload[i]);
    }
    return frame.toByteArray();
  }

  /** Sends bytes as they are, for frames no encoder would produce. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads frames until the hub's close frame or the end of the connection, skipping pings;
   * returns the close frame, or null when the TCP connection ended without one.
   */
  public Frame awaitClose() throws IOException {
    Frame frame;
    while ((frame = readFrame()) != null) {
      if (frame.opcode() == CLOSE) {
        return frame;
      }
    }
    return null;
  }

  /** Reads frames until none arrives for {@code quiet} (or the connection ends); returns how many had {@code opcode}. */
  public long countFramesUntilQuiet(int opcode, java.time.Duration quiet) throws IOException {
    socket.setSoTimeout((int) quiet.toMillis());
    long count = 0;
    try {
      Frame frame;
      while ((frame = readFrame()) != null) {
        if (frame.opcode() == opcode) {
          count++;
        }
      }
    } catch (AssertionError timedOut) {
      if (!(timedOut.getCause() instanceof SocketTimeoutException)) {
        throw timedOut;
      }
    } finally {
      socket.setSoTimeout(10_000);
    }
    return count;
  }

  /** The next frame if one arrives within {@code timeout}, else null (the connection stays usable). */
  public Frame frameWithin(java.time.Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      return readFrame();
    } catch (AssertionError timedOut) {
      if (timedOut.getCause() instanceof SocketTimeoutException) {
        return null;
      }
      throw timedOut;
    } finally {
      socket.setSoTimeout(10_000);
    }
  }

  /** The close reason of a close frame (after its 2-byte code). */
  public static String closeReason(Frame close) {
    return close.payload().length <= 2 ? "" : new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8);
  }

  /** Reads the next frame from the hub, or returns null when the TCP connection ended. */
  public Frame readFrame() throws IOException {
    try {
      int first = in.read();
      if (first < 0) {
        return null;
      }
      int second = in.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new Frame(first & 0x0f, payload);
    } catch (EOFException | java.net.SocketException e) {
      return null;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame from the hub within " + socket.getSoTimeout() + " ms", e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
