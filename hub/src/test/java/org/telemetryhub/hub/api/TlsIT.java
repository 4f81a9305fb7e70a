package org.telemetryhub.hub.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.SelfSignedCertificate;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;

/** wss:// and https:// on the hub's one port from PEM files, and a renewed certificate taken up without a restart. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class TlsIT {

  @TempDir
  Path dir;

  /** The serial number of the certificate the hub serves to a new connection. */
  private static BigInteger servedSerial(int port, SSLContext context) throws Exception {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /**
   * Verifies TLS end to end: a device over wss:// is acked, the API answers over https://, a plain
   * ws:// client gets nowhere, and a renewed certificate file is served to new connections.
   */
  @Test
  void wssAndHttpsFromPemFilesReloadedWhenRenewed(Vertx vertx) throws Exception {
    SelfSignedCertificate first = SelfSignedCertificate.create(dir, "first");
    SelfSignedCertificate renewed = SelfSignedCertificate.create(dir, "renewed");
    Path cert = dir.resolve("hub.crt");
    Path key = dir.resolve("hub.key");
    Files.copy(first.certificate(), cert);
    Files.copy(first.key(), key);
    try (TestHub hub = TestHub.start(dir.resolve("data"), o -> o.withListen(o.listen().withTls(cert, key)
        .withReloadCheckInterval(Duration.ofMillis(100))))) {
      WebSocketClient wss = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(first.certificate().toString())));
      DeviceClient device = DeviceClient.await(wss.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
              .setPort(hub.port()).setSsl(true).setURI("/ws/devices/dev-1")
              .addHeader("Authorization", "Bearer " + TestHub.token("dev-1")))
          .map(ws -> DeviceClient.wrap(ws, wss)));
      device.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
      device.awaitAck(1, Duration.ofSeconds(10));

      HttpClient https = HttpClient.newBuilder().sslContext(SelfSignedCertificate.trusting(first.certificate(), renewed.certificate())).build();
      HttpResponse<String> readings = https.send(HttpRequest.newBuilder(
              URI.create("https://127.0.0.1:" + hub.port() + "/api/devices/dev-1/readings"))
          .header("Authorization", "Bearer " + Tokens.api("t", org.telemetryhub.hub.auth.ApiAccess.Role.READ)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, readings.statusCode(), readings.body());

      assertThrows(Exception.class, () -> DeviceClient.connect(DeviceClient.client(vertx), hub.port(), "dev-2",
          TestHub.token("dev-2")).await(5, TimeUnit.SECONDS), "plain ws:// on the TLS port");

      SSLContext both = SelfSignedCertificate.trusting(first.certificate(), renewed.certificate());
      assertEquals(first.serialNumber(), servedSerial(hub.port(), both));
      Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(renewed.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
      BigInteger renewedSerial = renewed.serialNumber();
      Poll.until("the renewed certificate is served", Duration.ofSeconds(10),
          () -> renewedSerial.equals(servedSerialQuietly(hub.port(), both)));
      device.sendPackets(21f, Instant.now().getEpochSecond() - 1, 50f, 1000f);
      device.awaitAck(2, Duration.ofSeconds(10)); // the open connection keeps working
    }
  }

  private static BigInteger servedSerialQuietly(int port, SSLContext context) {
    try {
      return servedSerial(port, context);
    } catch (Exception e) {
      return null;
    }
  }

  /** The protocol and suite a handshake with exactly {@code protocol} and {@code suite} offered settles on, or the failure. */
  private static String handshake(int port, SSLContext context, String protocol, String suite) {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setEnabledProtocols(new String[] {protocol});
      socket.setEnabledCipherSuites(new String[] {suite});
      socket.startHandshake();
      return socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite();
    } catch (Exception e) {
      return "refused";
    }
  }

  /**
   * Verifies that only TLS 1.2 and 1.3 with forward-secret authenticated encryption are accepted:
   * static RSA key exchange and CBC with SHA-1 are refused.
   */
  @Test
  void onlyForwardSecretAeadSuitesAreOffered() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "hub");
    try (TestHub hub = TestHub.start(dir.resolve("data"), o -> o.withListen(
        o.listen().withTls(certificate.certificate(), certificate.key())))) {
      SSLContext trusting = SelfSignedCertificate.trusting(certificate.certificate());
      assertEquals("TLSv1.3 TLS_AES_128_GCM_SHA256", handshake(hub.port(), trusting, "TLSv1.3", "TLS_AES_128_GCM_SHA256"));
      assertEquals("TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          handshake(hub.port(), trusting, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
      assertEquals("refused", handshake(hub.port(), trusting, "TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"), "static RSA");
      assertEquals("refused", handshake(hub.port(), trusting, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), "CBC with SHA-1");
      assertEquals("refused", handshake(hub.port(), trusting, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"), "CBC");
    }
  }

  /**
   * Verifies that a renewed certificate whose key is not the one beside it is not taken: the hub
   * says why, keeps serving the certificate it has, and takes the renewal once the key matches.
   * A hub started with such a pair refuses to start, saying so.
   */
  @Test
  void aCertificateWithAnotherKeyIsRefused() throws Exception {
    SelfSignedCertificate first = SelfSignedCertificate.create(dir, "first");
    SelfSignedCertificate renewed = SelfSignedCertificate.create(dir, "renewed");
    Path cert = dir.resolve("hub.crt");
    Path key = dir.resolve("hub.key");
    Files.copy(renewed.certificate(), cert);
    Files.copy(first.key(), key);
    Exception refused = assertThrows(Exception.class, () -> TestHub.start(dir.resolve("data"),
        o -> o.withListen(o.listen().withTls(cert, key))));
    org.junit.jupiter.api.Assertions.assertTrue(String.valueOf(refused.getMessage()).contains("is not the key of the certificate"),
        String.valueOf(refused));

    Files.copy(first.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
    try (TestHub hub = TestHub.start(dir.resolve("data"), o -> o.withListen(o.listen().withTls(cert, key)
        .withReloadCheckInterval(Duration.ofMillis(100))))) {
      SSLContext both = SelfSignedCertificate.trusting(first.certificate(), renewed.certificate());
      Files.copy(renewed.certificate(), cert, StandardCopyOption.REPLACE_EXISTING); // the key not yet
      Thread.sleep(1_000); // ten looks at the files: a wrong pair would be in use by then
      assertEquals(first.serialNumber(), servedSerial(hub.port(), both), "the certificate in use stays");
      Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
      BigInteger renewedSerial = renewed.serialNumber();
      Poll.until("the renewal is taken once its key is there", Duration.ofSeconds(10),
          () -> renewedSerial.equals(servedSerialQuietly(hub.port(), both)));
    }
  }
}
