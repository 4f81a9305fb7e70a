package org.telemetryhub.hub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost with its key, as PEM files, made with
 * the openssl command as an operator would make one.
 */
public record SelfSignedCertificate(Path certificate, Path key) {

  /** Writes {@code <name>.crt} and {@code <name>.key} into {@code dir}; fails the test when openssl is missing. */
  public static SelfSignedCertificate create(Path dir, String name) throws IOException, InterruptedException {
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    Process process;
    try {
      process = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
          "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
          "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("these tests make certificates with openssl, which is not installed "
          + "(apt-get install openssl; .ci/run does): " + e.getMessage(), e);
    }
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new AssertionError("openssl failed: " + output);
    }
    return new SelfSignedCertificate(cert, key);
  }

  /** An SSL context that trusts exactly {@code certificates}. */
  public static SSLContext trusting(Path... certificates) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (Path certificate : certificates) {
      try (var in = Files.newInputStream(certificate)) {
        store.setCertificateEntry("c" + i++, CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  public BigInteger serialNumber() throws Exception {
    try (InputStream in = Files.newInputStream(certificate)) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
    }
  }
}
