package org.telemetryhub.hub.store;

import java.util.Locale;
import org.telemetryhub.hub.backend.StoreBackend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telemetryhub.hub.testing.DeviceClient;
import org.telemetryhub.hub.testing.HubApi;
import org.telemetryhub.hub.testing.Poll;
import org.telemetryhub.hub.testing.TestHub;

/**
 * A full disk under the embedded store, made real with a 4 MB tmpfs (the test mounts it, as root):
 * acks stop and /health says why while it lasts; once space returns the store takes writes again
 * by itself within seconds, and every acked reading is stored.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class DiskFullIT {

  @TempDir
  Path temp;
  private Path mount;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    mount = temp.resolve("small-disk");
    Files.createDirectories(mount);
    run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString());
  }

  @AfterEach
  void unmount() throws Exception {
    run("umount", "-l", mount.toString());
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed (this test mounts a tmpfs and must run as root): "
          + output);
    }
  }

  /**
   * Keeps the disk full: a thread appends to a file whenever any space is free (SQLite frees some
   * when it rolls back), until {@link #close} deletes the file.
   */
  private static final class DiskHog implements AutoCloseable {
    private final Path file;
    private final Thread thread;
    private volatile boolean hogging = true;
    private volatile boolean full;

    DiskHog(Path dir) {
      this.file = dir.resolve("filler");
      this.thread = new Thread(this::hog, "disk-hog");
      thread.setDaemon(true);
      thread.start();
      Poll.until("the disk is full", Duration.ofSeconds(10), () -> full);
    }

    private void hog() {
      byte[] block = new byte[4096];
      try (OutputStream out = Files.newOutputStream(file)) {
        while (hogging) {
          try {
            out.write(block);
            out.flush();
          } catch (IOException noSpace) {
            full = true;
            Thread.sleep(5); // room may come back in a moment
          }
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws Exception {
      hogging = false;
      thread.join(5_000);
      Files.delete(file);
    }
  }

  /** Verifies the whole course of a full disk: acks stop, /health says why, space returns, writes resume, nothing acked is lost. */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "rocksdb"})
  void theStoreRecoversByItselfWhenSpaceReturns(String store, Vertx vertx) throws Exception {
    Path dataDir = mount.resolve("data");
    try (TestHub hub = TestHub.start(dataDir, o -> o.withStore(o.store().withKind(StoreBackend.Kind.valueOf(store.toUpperCase(Locale.ROOT)))))) {
      HubApi api = hub.api();
      DeviceClient device = DeviceClient.open(DeviceClient.client(vertx), hub.port(), "disk-1");
      long firstTs = Instant.now().getEpochSecond() - 100_000;
      long sent = 0;
      for (int i = 0; i < 10; i++) {
        device.sendPackets(20f, firstTs + sent++, 50f, 1000f);
      }
      device.awaitAck(10, Duration.ofSeconds(10));

      DiskHog hog = new DiskHog(mount);
      // Readings keep coming; the store cannot take them.
      for (int f = 0; f < 50; f++) {
        Object[] frame = new Object[400];
        for (int k = 0; k < 100; k++) {
          frame[k * 4] = 20f;
          frame[k * 4 + 1] = firstTs + sent++;
          frame[k * 4 + 2] = 50f;
          frame[k * 4 + 3] = 1000f;
        }
        device.sendPackets(frame);
      }
      Poll.until("/health reports the full disk", Duration.ofSeconds(20), () -> api.get("/health").status() == 503);
      JsonObject health = api.get("/health").json();
      assertTrue(health.getString("reason").contains("full"), health.encode());
      long ackedWhileFull = device.lastAck();
      assertTrue(ackedWhileFull < sent, "not everything acked while the disk is full: " + ackedWhileFull + " of " + sent);

      hog.close();
      long released = System.nanoTime();
      long total = sent;
      Poll.untilEquals("every reading acked once space returned", Duration.ofSeconds(15), total, device::lastAck);
      System.out.printf("disk full: every reading acked %d ms after space returned%n", (System.nanoTime() - released) / 1_000_000);
      assertEquals(200, api.get("/health").status(), api.get("/health").body());
      assertEquals(total, api.readings("disk-1", firstTs, firstTs + total).size(), "every acked reading is stored");

      device.sendPackets(21f, firstTs + sent++, 50f, 1000f);
      device.awaitAck(total + 1, Duration.ofSeconds(10));
    }
  }
}
