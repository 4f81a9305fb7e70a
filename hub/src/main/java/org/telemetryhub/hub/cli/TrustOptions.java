package org.telemetryhub.hub.cli;

import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.Option;

/**
 * How a command that talks to the hub over TLS (wss://, https://) decides to trust its
 * certificate: the system's trusted authorities (default), a PEM file of certificates to trust
 * (a private authority, or the hub's self-signed certificate), or anything (for experiments only).
 */
public final class TrustOptions {

  @Option(names = "--trust-cert", paramLabel = "PEM",
      description = "Trust the certificates in this PEM file (a private CA, or the hub's self-signed certificate) for wss:// and https://.")
  Path trustCert;

  @Option(names = "--insecure", description = "Trust any certificate (for experiments only: anyone in between can listen).")
  boolean insecure;

  /** Applies the choice to a Vert.x client's options. */
  public <T extends ClientOptionsBase> T applyTo(T options) {
    if (insecure) {
      options.setTrustAll(true);
    } else if (trustCert != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(trustCert.toString()));
    }
    return options;
  }

  /** Whether a Vert.x client must also skip the host name check (only with --insecure). */
  public boolean skipsHostnameCheck() {
    return insecure;
  }

  /** An SSLContext for the JDK's HTTP client, or the default one. */
  public SSLContext sslContext() throws IOException, GeneralSecurityException {
    if (!insecure && trustCert == null) {
      return SSLContext.getDefault();
    }
    TrustManager[] trust;
    if (insecure) {
      trust = new TrustManager[] {new X509TrustManager() {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }};
    } else {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(trustCert)) {
        int i = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("trusted-" + i++, certificate);
        }
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      trust = factory.getTrustManagers();
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust, null);
    return context;
  }
}
