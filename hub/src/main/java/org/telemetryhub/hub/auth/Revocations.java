package org.telemetryhub.hub.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import org.telemetryhub.hub.files.OwnerOnlyFiles;

/**
 * Devices whose tokens were revoked, and when: a device token issued at or before that second is
 * refused, so the device needs a new token. Kept in memory for the checks and in a file of the
 * data directory ({@value #FILE_NAME}, owner-only, a line {@code <device> <epoch seconds>} each)
 * so that a revocation outlives a restart.
 */
public final class Revocations {

  public static final String FILE_NAME = "revoked-devices";

  private final Path file;
  private final ConcurrentMap<String, Long> revokedAt = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, Long> listener = (device, epochSeconds) -> { };

  private Revocations(Path file) {
    this.file = file;
  }

  /** Reads the file in {@code dataDir}, if there is one. Blocks. */
  public static Revocations load(Path dataDir) throws IOException {
    Revocations revocations = new Revocations(dataDir.resolve(FILE_NAME));
    if (Files.exists(revocations.file)) {
      for (String line : Files.readAllLines(revocations.file, StandardCharsets.UTF_8)) {
        String[] fields = line.strip().split("\\s+");
        if (fields.length == 2) {
          revocations.revokedAt.put(fields[0], Long.parseLong(fields[1]));
        }
      }
    }
    return revocations;
  }

  /** Nobody revoked, nothing kept: for a hub without a data directory of its own (tests, tools). */
  public static Revocations none() {
    return new Revocations(null);
  }

  /** The second up to which the device's tokens are refused, or -1 when none were revoked. */
  public long revokedAt(String device) {
    return revokedAt.getOrDefault(device, -1L);
  }

  /** Every revocation: device to the second up to which its tokens are refused. */
  public Map<String, Long> all() {
    return Map.copyOf(revokedAt);
  }

  /**
   * Refuses the device's tokens issued at or before {@code epochSeconds}, writes the file, and
   * tells the listener (in a cluster: the other nodes). Blocks.
   */
  public void revoke(String device, long epochSeconds) throws IOException {
    record(device, epochSeconds);
    listener.accept(device, epochSeconds);
  }

  /**
   * Records a revocation made elsewhere (on another node of the cluster), without telling the
   * listener; returns whether it refuses more than before. Blocks.
   */
  public boolean adopt(String device, long epochSeconds) throws IOException {
    if (revokedAt(device) >= epochSeconds) {
      return false;
    }
    record(device, epochSeconds);
    return true;
  }

  /** Who is told of every revocation made here; set once, before the hub serves. */
  public void listener(BiConsumer<String, Long> listener) {
    this.listener = listener;
  }

  private synchronized void record(String device, long epochSeconds) throws IOException {
    revokedAt.merge(device, epochSeconds, Math::max);
    if (file == null) {
      return;
    }
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, Long> entry : new TreeMap<>(revokedAt).entrySet()) {
      text.append(entry.getKey()).append(' ').append(entry.getValue()).append('\n');
    }
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    OwnerOnlyFiles.write(temporary, text.toString());
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
