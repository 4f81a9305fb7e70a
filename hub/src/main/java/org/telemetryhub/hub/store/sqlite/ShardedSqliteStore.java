package org.telemetryhub.hub.store.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreException;

/**
 * The embedded store: the readings spread by device over several SQLite files (shards) in the
 * data directory, {@code readings-<i>-of-<n>.db}, each with a write lane of its own.
 *
 * <p>Why shards: SQLite has one writer per file, and one writer thread kept one core busy while the
 * other idled. Each shard commits on its own thread, so every core works, and each commit is
 * smaller. A device lives in exactly one shard (by a hash of its id), so its history, its newest
 * timestamp and its (device, ts) upsert need one shard only; retention runs over all of them.
 *
 * <p>The number of shards is fixed when the directory is first used: it is in the file names, and
 * a later {@code --store-shards} that differs is ignored (with a log line), because moving devices
 * between shards would mean rewriting every file. A single-file store of an earlier version
 * ({@value SqliteReadingStore#FILE_NAME}) is copied into the shards when opened and kept as
 * {@code readings.db.migrated}; the copy is idempotent, so a crash part-way repeats it on the next start.
 *
 * <p>WAL checkpoints run on each shard's write lane between its batches, after the acks went out
 * (see {@link SqliteReadingStore#checkpointAfter}), never inside a commit; a thread of their own
 * checks every second that no log has outgrown its bound (a long query can keep a log from being
 * started over) and resets one that has.
 */
public final class ShardedSqliteStore implements ReadingStore {

  private static final Logger LOG = LoggerFactory.getLogger(ShardedSqliteStore.class);
  private static final Pattern SHARD_FILE = Pattern.compile("readings-(\\d+)-of-(\\d+)\\.db");
  private static final long CHECKPOINT_INTERVAL_MILLIS = 1_000;
  private static final int MIGRATION_CHUNK = 50_000;
  /**
   * Readings (about pages of the log) a shard commits between two checkpoints of its lane: about 4 MB
   * of log, copied in a few milliseconds.
   */
  static final long CHECKPOINT_EVERY_READINGS = 1_000;
  /** And at most this often: a checkpoint after every batch cost a fifth of the ingest rate at full speed. */
  static final long CHECKPOINT_MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  public static final int MAX_SHARDS = 64;

  private final Path dataDir;
  private final SqliteReadingStore[] shards;
  private final ScheduledExecutorService checkpoints;
  /** Checkpoint thread only: whether the last round failed (its warning is logged once). */
  private boolean checkpointsFailing;

  private ShardedSqliteStore(Path dataDir, SqliteReadingStore[] shards) {
    this.dataDir = dataDir;
    this.shards = shards;
    this.checkpoints = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "store-checkpoints");
      thread.setDaemon(true);
      return thread;
    });
    checkpoints.scheduleWithFixedDelay(this::checkpointAll, CHECKPOINT_INTERVAL_MILLIS, CHECKPOINT_INTERVAL_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** The file of shard {@code index} of {@code count}. */
  public static Path shardFile(Path dataDir, int index, int count) {
    return dataDir.resolve("readings-" + index + "-of-" + count + ".db");
  }

  /**
   * Opens the store in {@code dataDir}: its existing shards, or {@code wantedShards} new ones;
   * migrates a single-file store of an earlier version into them.
   */
  public static ShardedSqliteStore open(Path dataDir, int wantedShards) throws StoreException {
    int count = existingShardCount(dataDir);
    if (count == 0) {
      count = Math.max(1, Math.min(MAX_SHARDS, wantedShards));
    } else if (count != wantedShards) {
      LOG.info("the embedded store in {} keeps its {} shards (store-shards {} applies to a new data directory only)",
          dataDir, count, wantedShards);
    }
    SqliteReadingStore[] shards = new SqliteReadingStore[count];
    try {
      for (int i = 0; i < count; i++) {
        shards[i] = SqliteReadingStore.openFile(shardFile(dataDir, i, count), true);
      }
    } catch (StoreException e) {
      closeAll(shards);
      throw e;
    }
    ShardedSqliteStore store = new ShardedSqliteStore(dataDir, shards);
    try {
      store.migrateSingleFile();
    } catch (StoreException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /** Whether {@code dataDir} holds readings of the SQLite store: shard files, or the single file of an earlier version. */
  public static boolean existsIn(Path dataDir) throws StoreException {
    return existingShardCount(dataDir) > 0 || Files.exists(dataDir.resolve(SqliteReadingStore.FILE_NAME));
  }

  /**
   * Closes the store and renames its files to {@code <name>.migrated}: once their readings were
   * copied into another store, so that the next start neither reads nor copies them again.
   */
  public void closeAsMigrated() throws StoreException {
    close();
    try (Stream<Path> files = Files.list(dataDir)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        String base = name.replaceFirst("-(wal|shm)$", "");
        if (SHARD_FILE.matcher(base).matches()) {
          Files.move(file, dataDir.resolve(base + ".migrated" + name.substring(base.length())));
        }
      }
    } catch (IOException e) {
      throw new StoreException("copied the SQLite store in " + dataDir + " but cannot rename its files: " + e.getMessage(), e);
    }
  }

  /** The shard count in the names of the existing shard files; 0 when there are none. */
  private static int existingShardCount(Path dataDir) throws StoreException {
    if (!Files.isDirectory(dataDir)) {
      return 0;
    }
    TreeSet<Integer> counts = new TreeSet<>();
    try (Stream<Path> files = Files.list(dataDir)) {
      files.forEach(file -> {
        Matcher name = SHARD_FILE.matcher(file.getFileName().toString());
        if (name.matches()) {
          counts.add(Integer.parseInt(name.group(2)));
        }
      });
    } catch (IOException e) {
      throw new StoreException("cannot list the data directory " + dataDir + ": " + e.getMessage(), e);
    }
    if (counts.size() > 1) {
      throw new StoreException("the data directory " + dataDir + " holds shard files of different counts " + counts
          + ": keep the files of one count (readings-<i>-of-<n>.db) and move the others away", null);
    }
    return counts.isEmpty() ? 0 : counts.first();
  }

  /** Copies a single-file store of an earlier version into the shards, then renames it out of the way. */
  private void migrateSingleFile() throws StoreException {
    Path single = dataDir.resolve(SqliteReadingStore.FILE_NAME);
    if (!Files.exists(single)) {
      return;
    }
    long copied = 0;
    try (SqliteReadingStore old = SqliteReadingStore.openFile(single, false)) {
      for (String device : old.devices()) {
        long from = Long.MIN_VALUE;
        List<Reading> chunk;
        do {
          chunk = old.query(device, from, Long.MAX_VALUE, MIGRATION_CHUNK);
          if (!chunk.isEmpty()) {
            shards[laneOf(device)].write(chunk);
            copied += chunk.size();
            from = chunk.get(chunk.size() - 1).ts() + 1;
          }
        } while (chunk.size() == MIGRATION_CHUNK);
      }
    }
    try {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Path file = dataDir.resolve(SqliteReadingStore.FILE_NAME + suffix);
        if (Files.exists(file)) {
          Files.move(file, dataDir.resolve(SqliteReadingStore.FILE_NAME + ".migrated" + suffix));
        }
      }
    } catch (IOException e) {
      throw new StoreException("copied " + single + " into the shards but cannot rename it: " + e.getMessage(), e);
    }
    LOG.info("migrated {} readings from {} into {} shards; the old file is kept as {}.migrated (delete it when you no "
        + "longer need it)", copied, single, shards.length, SqliteReadingStore.FILE_NAME);
  }

  @Override
  public void afterWrite(int lane) throws StoreException {
    shards[lane].checkpointAfter(CHECKPOINT_EVERY_READINGS, CHECKPOINT_MIN_INTERVAL_NANOS);
  }

  @Override
  public int writeLanes() {
    return shards.length;
  }

  /**
   * Writes the batch to the shards of its devices. A batch from a write lane has one shard; a mixed
   * one (a tool's, a test's) is written shard by shard, each durable on its own.
   */
  @Override
  public void write(List<Reading> batch) throws StoreException {
    if (batch.isEmpty()) {
      return;
    }
    int first = laneOf(batch.get(0).device());
    if (batch.stream().allMatch(reading -> laneOf(reading.device()) == first)) {
      shards[first].write(batch);
      return;
    }
    List<List<Reading>> byShard = new ArrayList<>();
    for (int i = 0; i < shards.length; i++) {
      byShard.add(new ArrayList<>());
    }
    batch.forEach(reading -> byShard.get(laneOf(reading.device())).add(reading));
    for (int i = 0; i < shards.length; i++) {
      if (!byShard.get(i).isEmpty()) {
        shards[i].write(byShard.get(i));
      }
    }
  }

  @Override
  public List<Reading> query(String device, long from, long to, int limit) throws StoreException {
    return shards[laneOf(device)].query(device, from, to, limit);
  }

  @Override
  public long count(String device, long from, long to) throws StoreException {
    return shards[laneOf(device)].count(device, from, to);
  }

  @Override
  public List<Reading> latestReadings() throws StoreException {
    List<Reading> latest = new ArrayList<>();
    for (SqliteReadingStore shard : shards) {
      latest.addAll(shard.latestReadings());
    }
    return latest;
  }

  @Override
  public long latestTimestamp(String device) throws StoreException {
    return shards[laneOf(device)].latestTimestamp(device);
  }

  @Override
  public boolean hasReadings(String device) throws StoreException {
    return shards[laneOf(device)].hasReadings(device);
  }

  @Override
  public long deleteOlderThan(long cutoffEpochSeconds) throws StoreException {
    long deleted = 0;
    for (SqliteReadingStore shard : shards) {
      deleted += shard.deleteOlderThan(cutoffEpochSeconds);
    }
    return deleted;
  }

  private void checkpointAll() {
    boolean failed = false;
    for (SqliteReadingStore shard : shards) {
      try {
        shard.checkpoint();
      } catch (StoreException e) {
        failed = true;
        if (!checkpointsFailing) { // once per run of failures, not every second
          LOG.warn("{}; retried every second, commits are not affected", e.getMessage());
        }
      }
    }
    if (checkpointsFailing && !failed) {
      LOG.info("checkpoints of {} succeed again", dataDir);
    }
    checkpointsFailing = failed;
  }

  @Override
  public String describe() {
    return "sqlite " + dataDir + " (" + shards.length + (shards.length == 1 ? " shard)" : " shards)");
  }

  @Override
  public void close() {
    checkpoints.shutdownNow();
    try {
      checkpoints.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeAll(shards);
  }

  private static void closeAll(SqliteReadingStore[] shards) {
    for (SqliteReadingStore shard : shards) {
      if (shard != null) {
        shard.close();
      }
    }
  }
}
