package org.telemetryhub.hub.store;

import java.util.List;
import org.telemetryhub.hub.protocol.Reading;

/**
 * The one seam between the hub and where readings live. Every method blocks: the hub calls
 * {@link #write} only from the {@link StoreWriter}'s lane threads (one per {@link #writeLanes},
 * at the same time, each with the readings of its own lane's devices only) and the others from
 * worker threads, never from an event loop.
 *
 * <p>A backend keeps one reading per (device, ts): writing the same pair again replaces it.
 */
public interface ReadingStore extends AutoCloseable {

  /** Stores the batch durably before returning (it survives a crash of the hub process), or throws. */
  void write(List<Reading> batch) throws StoreException;

  /**
   * Called on lane {@code lane}'s thread after a batch was written and its acks went out, before the
   * lane takes its next batch: upkeep that would otherwise block a commit or delay an ack (the
   * embedded store checkpoints its write-ahead log here, while no commit of that file runs).
   */
  default void afterWrite(int lane) throws StoreException {
  }

  /** How many writes may run at once: shards of the store, requests in flight. */
  default int writeLanes() {
    return 1;
  }

  /**
   * The lane (0 to {@link #writeLanes} - 1) that writes the readings of {@code device}: always the
   * same one (the embedded SQLite store keeps each device in the file of its lane, so this must not change).
   */
  default int laneOf(String device) {
    // Spread: ids such as dev-0001, dev-0002 have neighbouring hashes.
    int hash = device.hashCode() * 0x9E3779B9;
    return Math.floorMod(hash ^ (hash >>> 16), writeLanes());
  }

  /** Readings of the device with {@code from <= ts <= to}, oldest first, at most {@code limit}. */
  List<Reading> query(String device, long fromEpochSeconds, long toEpochSeconds, int limit) throws StoreException;

  /** How many readings of the device have {@code from <= ts <= to}. */
  long count(String device, long fromEpochSeconds, long toEpochSeconds) throws StoreException;

  /** The newest stored timestamp of the device (epoch seconds), or -1 when none is stored. */
  long latestTimestamp(String device) throws StoreException;

  /** The newest stored reading of every device: how the hub knows its fleet again after a restart. */
  List<Reading> latestReadings() throws StoreException;

  /** Whether any reading of the device is stored. */
  boolean hasReadings(String device) throws StoreException;

  /** Deletes readings with {@code ts < cutoff}; returns how many went. */
  long deleteOlderThan(long cutoffEpochSeconds) throws StoreException;

  /**
   * Null when the backend answers; otherwise why not (for /health). Called on a worker thread;
   * an embedded backend is always reachable.
   */
  default String unreachable() {
    return null;
  }

  /** A short description for logs and /health, such as "sqlite ./data/readings.db". */
  String describe();

  @Override
  void close();
}
