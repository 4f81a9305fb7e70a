package org.telemetryhub.hub.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.SubscriberClient;
import org.telemetryhub.hub.testing.TestHub;
import org.telemetryhub.hub.testing.Tokens;

/** Tokens over their life: secrets rotated without downtime, a device's tokens revoked, secrets and data kept owner-only. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class TokenLifecycleIT {

  private static final String OLD = "old-secret-old-secret-old-secret-0123";
  private static final String NEW = "new-secret-new-secret-new-secret-0123";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;

  private static int status(WebSocketClient client, int port, String device, String token) {
    try {
      DeviceClient.connect(client, port, device, token).await(10, TimeUnit.SECONDS).close();
      return 101;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Verifies a rotation with the hub running: a new secret put first signs new tokens while old
   * tokens still work; once the old secret is removed, its tokens are refused.
   */
  @Test
  void secretsRotateWithoutRestart(Vertx vertx) throws Exception {
    Path secrets = dataDir.resolve("secrets");
    Files.writeString(secrets, OLD + "\n");
    try (TestHub hub = TestHub.start(dataDir, o -> o.withAuth(o.auth().withTokenSecretFile(secrets))
        .withListen(o.listen().withReloadCheckInterval(Duration.ofMillis(100))))) {
      WebSocketClient client = DeviceClient.client(vertx);
      String oldToken = Tokens.signedWith(OLD, "dev-1", null);
      String newToken = Tokens.signedWith(NEW, "dev-1", null);
      assertEquals(101, status(client, hub.port(), "dev-1", oldToken));
      assertEquals(401, status(client, hub.port(), "dev-1", newToken));

      Files.writeString(secrets, NEW + "\n" + OLD + "\n");
      Poll.until("the new secret is accepted", WAIT, () -> status(client, hub.port(), "dev-1", newToken) == 101);
      assertEquals(101, status(client, hub.port(), "dev-1", oldToken), "the previous secret is still accepted");

      Files.writeString(secrets, NEW + "\n");
      Poll.until("the old secret is refused", WAIT, () -> status(client, hub.port(), "dev-1", oldToken) == 401);
      assertEquals(101, status(client, hub.port(), "dev-1", newToken));
    }
  }

  /**
   * Verifies revocation: the device's open connection closes with 1008, its old token is refused
   * (also after a restart), a token issued afterwards works, and only an admin may revoke.
   */
  @Test
  void revokingADeviceClosesItAndRefusesItsTokens(Vertx vertx) throws Exception {
    WebSocketClient client = DeviceClient.client(vertx);
    String oldToken = TestHub.token("dev-9");
    try (TestHub hub = TestHub.start(dataDir)) {
      DeviceClient device = DeviceClient.open(client, hub.port(), "dev-9");
      HubApi api = hub.api();
      assertEquals(403, api.as(Tokens.api("viewer", ApiAccess.Role.READ)).post("/api/devices/dev-9/revoke").status());
      HubApi.Response revoked = api.post("/api/devices/dev-9/revoke");
      assertEquals(200, revoked.status(), revoked.body());
      long revokedAt = revoked.json().getLong("revokedAt");
      assertTrue(revoked.json().getBoolean("connectionClosed"));
      DeviceClient.Closed closed = device.awaitClose(WAIT);
      assertEquals(1008, closed.code());
      assertEquals("token revoked", closed.reason());
      assertEquals(401, status(client, hub.port(), "dev-9", oldToken));
      Poll.until("the revocation second is over", WAIT, () -> Instant.now().getEpochSecond() > revokedAt);
      assertEquals(101, status(client, hub.port(), "dev-9", TestHub.token("dev-9")), "a new token works");
    }
    try (TestHub hub = TestHub.start(dataDir)) {
      assertEquals(401, status(client, hub.port(), "dev-9", oldToken), "the revocation outlives a restart");
    }
  }

  /**
   * Verifies that dropping a secret ends the sessions its tokens opened: a device and a subscriber
   * connected with the old secret's tokens close with 1008, a device with the new secret's token
   * goes on streaming.
   */
  @Test
  void droppingASecretEndsItsSessions(Vertx vertx) throws Exception {
    Path secrets = dataDir.resolve("secrets");
    Files.writeString(secrets, NEW + "\n" + OLD + "\n");
    try (TestHub hub = TestHub.start(dataDir, o -> o.withAuth(o.auth().withTokenSecretFile(secrets))
        .withListen(o.listen().withReloadCheckInterval(Duration.ofMillis(100))))) {
      WebSocketClient client = DeviceClient.client(vertx);
      DeviceClient oldDevice = DeviceClient.await(DeviceClient.connect(client, hub.port(), "dev-old",
          Tokens.signedWith(OLD, "dev-old", null)));
      DeviceClient newDevice = DeviceClient.await(DeviceClient.connect(client, hub.port(), "dev-new",
          Tokens.signedWith(NEW, "dev-new", null)));
      // Held in a variable: Vert.x closes a client, and its sockets, once nothing refers to it.
      WebSocketClient subscribers = SubscriberClient.client(vertx, false);
      SubscriberClient oldSubscriber = DeviceClient.await(SubscriberClient.connect(subscribers,
          hub.port(), Tokens.subscriberSignedWith(OLD, "watcher", null, "readings/+"), null));

      Files.writeString(secrets, NEW + "\n"); // as rotate-secret --drop-previous leaves it
      DeviceClient.Closed device = oldDevice.awaitClose(WAIT);
      DeviceClient.Closed subscriber = oldSubscriber.awaitClose(WAIT);
      assertEquals(1008, device.code());
      assertEquals("token's secret was retired: get a new token", device.reason());
      assertEquals(1008, subscriber.code());
      newDevice.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
      newDevice.awaitAck(1, WAIT);
      assertTrue(!newDevice.isClosed(), "the session of the secret kept goes on");
    }
  }

  /**
   * Verifies that a session ends when its token expires, to the second, also between heartbeats:
   * a device and a subscriber whose tokens expire in 2 s are closed with 1008 "token expired".
   */
  @Test
  void expiredTokensEndTheirSessions(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir)) {
      Duration validity = Duration.ofSeconds(2);
      WebSocketClient devices = DeviceClient.client(vertx);
      WebSocketClient subscribers = SubscriberClient.client(vertx, false);
      DeviceClient device = DeviceClient.await(DeviceClient.connect(devices, hub.port(), "dev-1",
          Tokens.device("dev-1", validity)));
      SubscriberClient subscriber = DeviceClient.await(SubscriberClient.connect(subscribers,
          hub.port(), Tokens.subscriberSignedWith(TestHub.SECRET, "watcher", validity, "readings/+"), null));
      long expiresAtMillis = (Instant.now().getEpochSecond() + 2) * 1000; // exp is a whole second, at most 2 s away
      DeviceClient.Closed deviceClosed = device.awaitClose(WAIT);
      long closedAtMillis = System.currentTimeMillis();
      DeviceClient.Closed subscriberClosed = subscriber.awaitClose(WAIT);
      assertEquals(1008, deviceClosed.code());
      assertTrue(deviceClosed.reason().startsWith("token expired at "), deviceClosed.reason());
      assertEquals(1008, subscriberClosed.code());
      assertTrue(subscriberClosed.reason().startsWith("token expired at "), subscriberClosed.reason());
      assertTrue(closedAtMillis - expiresAtMillis < 1_500, "closed " + (closedAtMillis - expiresAtMillis)
          + " ms after the expiry (heartbeats are 25 s apart here)");
    }
  }

  /**
   * Verifies revocation of subscriber and api names: the subscriber's open connection closes with
   * 1008 and its token is refused, the api token gets 401, and other names are untouched.
   */
  @Test
  void revokingSubscriberAndApiNames(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(dataDir)) {
      String watcherToken = Tokens.subscriber("night watch", "readings/+");
      WebSocketClient subscribers = SubscriberClient.client(vertx, false);
      SubscriberClient watcher = DeviceClient.await(SubscriberClient.connect(subscribers, hub.port(), watcherToken, null));
      SubscriberClient other = SubscriberClient.open(subscribers, hub.port(), "readings/+");
      String script = Tokens.api("script", ApiAccess.Role.READ);
      HubApi admin = hub.api();
      assertEquals(200, admin.as(script).get("/api/devices").status());

      HubApi.Response revoked = admin.post("/api/tokens/subscriber/night%20watch/revoke");
      assertEquals(200, revoked.status(), revoked.body());
      assertEquals("night watch", revoked.json().getString("subscriber"));
      DeviceClient.Closed closed = watcher.awaitClose(WAIT);
      assertEquals(1008, closed.code());
      assertEquals("token revoked", closed.reason());
      Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> SubscriberClient.connect(
          subscribers, hub.port(), watcherToken, null).await(10, TimeUnit.SECONDS));
      assertTrue(refused instanceof UpgradeRejectedException rejected && rejected.getStatus() == 401, refused.toString());
      other.subscribe(1, "readings/+");

      assertEquals(200, admin.post("/api/tokens/api/script/revoke").status());
      HubApi.Response refusedApi = admin.as(script).get("/api/devices");
      assertEquals(401, refusedApi.status());
      assertTrue(refusedApi.body().contains("token revoked"), refusedApi.body());
      assertEquals(200, admin.get("/api/devices").status(), "other api tokens are untouched");
      assertEquals(400, admin.post("/api/tokens/device/dev-1/revoke").status());
    }
  }

  /** Verifies that the data directory and every file the hub keeps in it are readable by their owner only. */
  @Test
  void dataFilesAreOwnerOnly(Vertx vertx) throws Exception {
    Path data = dataDir.resolve("data");
    Path secretFile = writeSecret();
    try (TestHub hub = TestHub.start(data, o -> o.withAuth(o.auth().withTokenSecretFile(secretFile)))) {
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "dev-1");
      device.sendPackets(20f, Instant.now().getEpochSecond(), 50f, 1000f);
      device.awaitAck(1, WAIT);
      assertEquals(200, hub.api().post("/api/devices/dev-2/revoke").status());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
      List<Path> files;
      try (Stream<Path> listing = Files.list(data)) {
        files = listing.toList();
      }
      assertTrue(files.contains(data.resolve("readings.rocksdb")) && files.contains(data.resolve("revoked-devices")),
          "the store's directory and revoked-devices: " + files);
      for (Path file : files) {
        // The store's own files take the process's umask: its directory keeps everyone else out of them.
        assertEquals(Files.isDirectory(file) ? "rwx------" : "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
            file.toString());
      }
    }
  }

  private Path writeSecret() throws Exception {
    Path secret = dataDir.resolve("secret");
    Files.writeString(secret, TestHub.SECRET + "\n");
    return secret;
  }
}
