package org.telemetryhub.hub.config;

import java.util.List;
import java.util.Set;

/**
 * The TLS the hub speaks, to clients (https, wss) and between the nodes of a cluster: TLS 1.2 and
 * 1.3 only, with forward secrecy and authenticated encryption.
 */
public final class TlsPolicy {

  public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  /**
   * TLS 1.3's suites (all forward-secret AEAD), and TLS 1.2's ECDHE suites with GCM or ChaCha20:
   * no static RSA key exchange, no CBC, no SHA-1 MACs.
   */
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsPolicy() {
  }
}
