package org.telemetryhub.hub;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The hub's certificate and key, from PEM files: read whole (not by path) so that a renewed file
 * is a new value for Vert.x, which swaps it in for new connections while open ones keep theirs.
 */
final class TlsFiles {

  private final Path certificate;
  private final Path key;
  private final long handshakeTimeoutMillis;

  TlsFiles(Path certificate, Path key, long handshakeTimeoutMillis) {
    this.certificate = certificate;
    this.key = key;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
  }

  Path certificate() {
    return certificate;
  }

  Path key() {
    return key;
  }

  /** Makes {@code options} serve TLS with the files as they are now. Blocks (reads the files). */
  void applyTo(HttpServerOptions options) throws IOException {
    options.setSsl(true);
    options.setKeyCertOptions(keyCert());
    options.setSslHandshakeTimeout(handshakeTimeoutMillis);
    options.setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /** The options for the files as they are now, to swap in on a running server. Blocks (reads the files). */
  ServerSSLOptions read() throws IOException {
    return new ServerSSLOptions().setKeyCertOptions(keyCert())
        .setSslHandshakeTimeout(handshakeTimeoutMillis).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  private PemKeyCertOptions keyCert() throws IOException {
    return new PemKeyCertOptions()
        .setCertValue(Buffer.buffer(Files.readAllBytes(certificate)))
        .setKeyValue(Buffer.buffer(Files.readAllBytes(key)));
  }
}
