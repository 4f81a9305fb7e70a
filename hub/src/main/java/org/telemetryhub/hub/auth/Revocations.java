package org.telemetryhub.hub.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.telemetryhub.hub.files.OwnerOnlyFiles;

/**
 * Whose tokens were revoked, and when: a token issued at or before that second is refused, so its
 * holder needs a new one. Devices are kept by their id, subscribers and api tokens by their name
 * ({@link TokenKind#revocationKey}: {@code subscriber:<name>}, {@code api:<name>}). Kept in memory
 * for the checks and in a file of the data directory ({@value #FILE_NAME}, owner-only, a line
 * {@code <key> <epoch seconds>} each) so that a revocation outlives a restart.
 */
public final class Revocations {

  public static final String FILE_NAME = "revoked-devices";

  private final Path file;
  private final ConcurrentMap<String, Long> revokedAt = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, Long> listener = (device, epochSeconds) -> { };
  private final List<BiConsumer<String, Long>> enforcers = new CopyOnWriteArrayList<>();

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

  /** The second up to which the tokens under {@code key} (a device id, see {@link TokenKind#revocationKey}) are refused, or -1. */
  public long revokedAt(String key) {
    return revokedAt.getOrDefault(key, -1L);
  }

  /** Every revocation: key to the second up to which its tokens are refused. */
  public Map<String, Long> all() {
    return Map.copyOf(revokedAt);
  }

  /**
   * Refuses the tokens under {@code key} issued at or before {@code epochSeconds}, writes the file, and
   * tells the listener (in a cluster: the other nodes). Blocks.
   */
  public void revoke(String key, long epochSeconds) throws IOException {
    record(key, epochSeconds);
    listener.accept(key, epochSeconds);
    enforcers.forEach(enforcer -> enforcer.accept(key, epochSeconds));
  }

  /**
   * Records a revocation made elsewhere (on another node of the cluster), without telling the
   * listener; returns whether it refuses more than before. Blocks.
   */
  public boolean adopt(String key, long epochSeconds) throws IOException {
    if (revokedAt(key) >= epochSeconds) {
      return false;
    }
    record(key, epochSeconds);
    enforcers.forEach(enforcer -> enforcer.accept(key, epochSeconds));
    return true;
  }

  /** Who is told of every revocation made here; set once, before the hub serves. */
  public void listener(BiConsumer<String, Long> listener) {
    this.listener = listener;
  }

  /**
   * Told of every revocation recorded, made here or adopted from another node, after it is
   * recorded: what ends the open sessions it concerns.
   */
  public void onRecorded(BiConsumer<String, Long> enforcer) {
    enforcers.add(enforcer);
  }

  private synchronized void record(String key, long epochSeconds) throws IOException {
    revokedAt.merge(key, epochSeconds, Math::max);
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
