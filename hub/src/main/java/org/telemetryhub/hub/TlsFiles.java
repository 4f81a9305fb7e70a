package org.telemetryhub.hub;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509KeyManager;
import org.telemetryhub.hub.config.TlsPolicy;

/**
 * The hub's certificate and key, from PEM files: read whole (not by path) so that a renewed file
 * is a new value for Vert.x, which swaps it in for new connections while open ones keep theirs.
 * A certificate whose key is not the one beside it is refused (a renewal half-copied would
 * otherwise make every handshake fail), and only TLS 1.2 and 1.3 with forward secrecy and
 * authenticated encryption are offered.
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
  void applyTo(Vertx vertx, HttpServerOptions options) throws IOException {
    options.setSsl(true);
    ServerSSLOptions ssl = read(vertx);
    options.setKeyCertOptions(ssl.getKeyCertOptions());
    options.setSslHandshakeTimeout(handshakeTimeoutMillis);
    options.setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    options.setEnabledSecureTransportProtocols(TlsPolicy.PROTOCOLS);
    TlsPolicy.CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
  }

  /**
   * The options for the files as they are now, to swap in on a running server. Blocks (reads the
   * files). Fails, naming the files, when the key is not the certificate's.
   */
  ServerSSLOptions read(Vertx vertx) throws IOException {
    PemKeyCertOptions keyCert = new PemKeyCertOptions()
        .setCertValue(Buffer.buffer(Files.readAllBytes(certificate)))
        .setKeyValue(Buffer.buffer(Files.readAllBytes(key)));
    checkPair(vertx, keyCert, certificate, key);
    ServerSSLOptions ssl = new ServerSSLOptions().setKeyCertOptions(keyCert)
        .setSslHandshakeTimeout(handshakeTimeoutMillis).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
        .setEnabledSecureTransportProtocols(TlsPolicy.PROTOCOLS);
    TlsPolicy.CIPHER_SUITES.forEach(ssl::addEnabledCipherSuite);
    return ssl;
  }

  /** Fails, naming the files, when the key in {@code key} is not the key of the certificate in {@code certificate}. */
  static void checkPair(Vertx vertx, Path certificate, Path key) throws IOException {
    checkPair(vertx, new PemKeyCertOptions().setCertValue(Buffer.buffer(Files.readAllBytes(certificate)))
        .setKeyValue(Buffer.buffer(Files.readAllBytes(key))), certificate, key);
  }

  /** Signs a challenge with the key and verifies it with the certificate's public key. */
  private static void checkPair(Vertx vertx, PemKeyCertOptions keyCert, Path certificate, Path key) throws IOException {
    PrivateKey privateKey;
    X509Certificate leaf;
    try {
      X509KeyManager keys = (X509KeyManager) keyCert.getKeyManagerFactory(vertx).getKeyManagers()[0];
      String alias = keys.getServerAliases("RSA", null) != null ? keys.getServerAliases("RSA", null)[0]
          : firstAlias(keys);
      privateKey = keys.getPrivateKey(alias);
      leaf = keys.getCertificateChain(alias)[0];
    } catch (Exception e) {
      throw new IOException(certificate + " and " + key + " cannot be read as a PEM certificate and key: " + e.getMessage(), e);
    }
    try {
      String algorithm = switch (privateKey.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> privateKey.getAlgorithm(); // Ed25519, Ed448
      };
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signed = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(challenge);
      if (verifier.verify(signed)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another algorithm than the certificate's: not its pair either
    }
    throw new IOException("the key in " + key + " is not the key of the certificate in " + certificate
        + " (subject " + leaf.getSubjectX500Principal().getName() + "): renew both together");
  }

  private static String firstAlias(X509KeyManager keys) {
    for (String type : List.of("EC", "EdDSA", "Ed25519", "DSA")) {
      String[] aliases = keys.getServerAliases(type, null);
      if (aliases != null && aliases.length > 0) {
        return aliases[0];
      }
    }
    throw new IllegalArgumentException("no key with a certificate");
  }
}
