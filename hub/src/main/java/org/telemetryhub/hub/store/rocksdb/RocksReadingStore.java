package org.telemetryhub.hub.store.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.telemetryhub.hub.files.OwnerOnlyFiles;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreException;

/**
 * The embedded store on RocksDB: one database in {@code <data-dir>/readings.rocksdb}, one key per
 * (device, ts), each batch one atomic write with the write-ahead log synced before it returns.
 *
 * <p>Why RocksDB: a SQLite commit rewrites a 4 KB page for every device it touches, so a batch of
 * 75 readings from 75 devices writes 300 KB to its log; RocksDB appends the batch itself (about
 * 30 bytes a reading) to one log and sorts it later, in the background. Writers on several threads
 * share one log sync (group commit), so the write lanes need no files of their own.
 *
 * <p>The key is the device id (1 to 64 characters of [A-Za-z0-9._-], so never a zero byte), a zero
 * byte, and the timestamp as 8 bytes big-endian with the sign bit flipped, so keys sort by device
 * and then by time, and one device's readings are one range. The value is the three float32 values
 * as their raw bits: what is read back is bit for bit what was written.
 *
 * <p>The library runs native code on the data of Java objects: a call after {@link #close} would
 * crash the process rather than throw, so every call holds a read lock and {@code close} the write lock.
 */
public final class RocksReadingStore implements ReadingStore {

  /** The database's directory inside the data directory. */
  public static final String DIRECTORY = "readings.rocksdb";
  private static final int VALUE_BYTES = 12;
  /** Each of the two write buffers (memtables): a full one is flushed to a sorted file in the background. */
  static final long WRITE_BUFFER_BYTES = 64L << 20;
  /** Blocks of sorted files read by history queries and retention, kept in memory. */
  static final long BLOCK_CACHE_BYTES = 32L << 20;
  private static final byte SEPARATOR = 0;
  /** Past every key of a device: its id followed by the byte after the separator. */
  private static final byte AFTER_SEPARATOR = 1;

  static {
    RocksDB.loadLibrary();
  }

  private final Path directory;
  private final int lanes;
  private final Options options;
  private final LRUCache blockCache;
  private final WriteOptions syncedWrites;
  /** Null only between a failed reopen and the next attempt. Replaced under the write lock. */
  private RocksDB db;
  private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
  private boolean closed;
  /** Whether the last write failed: RocksDB then needs {@code resume} before it takes another. */
  private volatile boolean failedWrite;
  /** Set when {@link #close} starts: a retention pass in progress gives up at its next device instead of holding it up. */
  private volatile boolean closing;

  private RocksReadingStore(Path directory, int lanes, Options options, LRUCache blockCache, WriteOptions syncedWrites, RocksDB db) {
    this.directory = directory;
    this.lanes = lanes;
    this.options = options;
    this.blockCache = blockCache;
    this.syncedWrites = syncedWrites;
    this.db = db;
  }

  /** Opens (or creates) the store in {@code dataDir}, written by {@code lanes} threads at once. */
  public static RocksReadingStore open(Path dataDir, int lanes) throws StoreException {
    Path directory = dataDir.resolve(DIRECTORY);
    // Memory outside the heap, bounded whatever the fleet: two write buffers and one block cache.
    LRUCache blockCache = new LRUCache(BLOCK_CACHE_BYTES);
    Options options = new Options()
        .setCreateIfMissing(true)
        .setWriteBufferSize(WRITE_BUFFER_BYTES)
        .setMaxWriteBufferNumber(2)
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache))
        .setMaxBackgroundJobs(2)
        // Flushes and compactions write their files in steps of 1 MiB with a sync each, rather than
        // one large sync at the end that would stall the log syncs of the batches behind it.
        .setBytesPerSync(1L << 20)
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
        .setMaxLogFileSize(8L << 20)
        .setKeepLogFileNum(2);
    WriteOptions syncedWrites = new WriteOptions().setSync(true);
    try {
      // Owner-only: the files RocksDB creates in it take the process's umask, and this keeps others out of them.
      OwnerOnlyFiles.createDirectories(dataDir);
      OwnerOnlyFiles.createDirectories(directory);
      return new RocksReadingStore(directory, Math.max(1, lanes), options, blockCache, syncedWrites,
          RocksDB.open(options, directory.toString()));
    } catch (RocksDBException | java.io.IOException e) {
      syncedWrites.close();
      options.close();
      blockCache.close();
      throw new StoreException("cannot open the RocksDB store in " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code dataDir} holds a store of this kind. */
  public static boolean existsIn(Path dataDir) {
    return Files.isDirectory(dataDir.resolve(DIRECTORY));
  }

  @Override
  public int writeLanes() {
    return lanes;
  }

  @Override
  public void write(List<Reading> batch) throws StoreException {
    if (batch.isEmpty()) {
      return;
    }
    if (failedWrite) {
      reopen();
    }
    guard();
    try (WriteBatch write = new WriteBatch()) {
      for (Reading reading : batch) {
        write.put(key(reading.device(), reading.ts()), value(reading));
      }
      db.write(syncedWrites, write);
    } catch (RocksDBException e) {
      failedWrite = true;
      throw new StoreException("RocksDB write of " + batch.size() + " readings to " + directory + " failed: "
          + (isNoSpace(e) ? "the disk is full (" + e.getMessage() + ")" : e.getMessage()), e);
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public List<Reading> query(String device, long fromEpochSeconds, long toEpochSeconds, int limit) throws StoreException {
    if (fromEpochSeconds > toEpochSeconds || limit <= 0) {
      return new ArrayList<>();
    }
    return scan("query of " + device, device, it -> {
      List<Reading> readings = new ArrayList<>();
      for (it.seek(key(device, fromEpochSeconds)); it.isValid() && readings.size() < limit; it.next()) {
        long ts = timestampOf(it.key());
        if (ts > toEpochSeconds) {
          break;
        }
        readings.add(reading(device, ts, it.value()));
      }
      return readings;
    });
  }

  @Override
  public long count(String device, long fromEpochSeconds, long toEpochSeconds) throws StoreException {
    if (fromEpochSeconds > toEpochSeconds) {
      return 0;
    }
    return scan("count of " + device, device, it -> {
      long count = 0;
      for (it.seek(key(device, fromEpochSeconds)); it.isValid() && timestampOf(it.key()) <= toEpochSeconds; it.next()) {
        count++;
      }
      return count;
    });
  }

  @Override
  public long latestTimestamp(String device) throws StoreException {
    return scan("newest timestamp of " + device, null, it -> {
      it.seekForPrev(key(device, Long.MAX_VALUE));
      return it.isValid() && isOf(it.key(), device) ? timestampOf(it.key()) : -1L;
    });
  }

  @Override
  public boolean hasReadings(String device) throws StoreException {
    return scan("lookup of " + device, null, it -> {
      it.seek(key(device, Long.MIN_VALUE));
      return it.isValid() && isOf(it.key(), device);
    });
  }

  /** One seek per device: from a device's first key to its last, then past it to the next device. */
  @Override
  public List<Reading> latestReadings() throws StoreException {
    return scan("newest readings", null, it -> {
      List<Reading> latest = new ArrayList<>();
      it.seekToFirst();
      while (it.isValid()) {
        String device = deviceOf(it.key());
        it.seekForPrev(key(device, Long.MAX_VALUE));
        latest.add(reading(device, timestampOf(it.key()), it.value()));
        it.seek(deviceEnd(device));
      }
      return latest;
    });
  }

  /**
   * Device by device: counts the readings before the cutoff and removes them with one range delete
   * each (a marker RocksDB drops with the data at its next compaction), all in one synced write.
   */
  @Override
  public long deleteOlderThan(long cutoffEpochSeconds) throws StoreException {
    return scan("retention delete", null, it -> {
      long deleted = 0;
      try (WriteBatch deletes = new WriteBatch()) {
        it.seekToFirst();
        while (it.isValid()) {
          if (closing) {
            throw new StoreException("the RocksDB store in " + directory + " is closing: retention stopped", null);
          }
          String device = deviceOf(it.key());
          byte[] first = it.key();
          long old = 0;
          for (; it.isValid() && isOf(it.key(), device) && timestampOf(it.key()) < cutoffEpochSeconds; it.next()) {
            old++;
          }
          if (old > 0) {
            deletes.deleteRange(first, key(device, cutoffEpochSeconds));
            deleted += old;
          }
          it.seek(deviceEnd(device));
        }
        if (deletes.count() > 0) {
          db.write(syncedWrites, deletes);
        }
      }
      return deleted;
    });
  }

  /** What a read does with an iterator; RocksDB's errors and the store's own pass through. */
  private interface Scan<T> {
    T over(RocksIterator it) throws RocksDBException, StoreException;
  }

  /**
   * Runs {@code scan} under the read lock with an iterator over the whole store, or over the keys of
   * {@code device} only when it is given, and checks the iterator's status after it.
   */
  private <T> T scan(String what, String device, Scan<T> scan) throws StoreException {
    guard();
    try (Slice end = device == null ? null : new Slice(deviceEnd(device));
         ReadOptions options = end == null ? new ReadOptions() : new ReadOptions().setIterateUpperBound(end);
         RocksIterator it = db.newIterator(options)) {
      T result = scan.over(it);
      it.status();
      return result;
    } catch (RocksDBException e) {
      throw failed(what, e);
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public String describe() {
    return "rocksdb " + directory;
  }

  @Override
  public void close() {
    closing = true;
    open.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (db != null) {
        db.close();
      }
      syncedWrites.close();
      options.close();
      blockCache.close();
    } finally {
      open.writeLock().unlock();
    }
  }

  /** Takes the read lock, or throws when the store is closed; the caller unlocks in a finally. */
  private void guard() throws StoreException {
    open.readLock().lock();
    if (closed) {
      open.readLock().unlock();
      throw new StoreException("the RocksDB store in " + directory + " is closed", null);
    }
    if (db == null) {
      open.readLock().unlock();
      throw new StoreException("the RocksDB store in " + directory + " could not be opened again after a failed write", null);
    }
  }

  /**
   * After a failed write (a full disk, an I/O error) RocksDB refuses every later write until the
   * database is opened again, which replays its log; the store writer retries the batch, so this
   * is where the store recovers by itself once the cause is gone. No read or write runs meanwhile.
   */
  private void reopen() throws StoreException {
    open.writeLock().lock();
    try {
      if (closed || !failedWrite) {
        return;
      }
      if (db != null) {
        db.close();
        db = null;
      }
      db = RocksDB.open(options, directory.toString());
      failedWrite = false;
    } catch (RocksDBException e) {
      throw new StoreException("cannot open the RocksDB store in " + directory + " again after a failed write: "
          + (isNoSpace(e) ? "the disk is full (" + e.getMessage() + ")" : e.getMessage()), e);
    } finally {
      open.writeLock().unlock();
    }
  }

  private static boolean isNoSpace(RocksDBException e) {
    return e.getStatus() != null && e.getStatus().getSubCode() == Status.SubCode.NoSpace
        || String.valueOf(e.getMessage()).contains("No space left");
  }

  private StoreException failed(String what, RocksDBException e) {
    return new StoreException("RocksDB " + what + " in " + directory + " failed: " + e.getMessage(), e);
  }

  /** One array per reading, written in place: this runs for every reading a lane writes. */
  static byte[] key(String device, long ts) {
    int length = device.length();
    byte[] key = new byte[length + 1 + Long.BYTES];
    for (int i = 0; i < length; i++) {
      key[i] = (byte) device.charAt(i); // device ids are ASCII
    }
    key[length] = SEPARATOR;
    putLong(key, length + 1, ts ^ Long.MIN_VALUE);
    return key;
  }

  private static void putLong(byte[] into, int at, long value) {
    for (int i = 0; i < Long.BYTES; i++) {
      into[at + i] = (byte) (value >>> (56 - 8 * i));
    }
  }

  private static byte[] deviceEnd(String device) {
    byte[] id = device.getBytes(StandardCharsets.US_ASCII);
    byte[] end = Arrays.copyOf(id, id.length + 1);
    end[id.length] = AFTER_SEPARATOR;
    return end;
  }

  private static boolean isOf(byte[] key, String device) {
    int length = key.length - 1 - Long.BYTES;
    if (length != device.length() || key[length] != SEPARATOR) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (key[i] != device.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String deviceOf(byte[] key) {
    return new String(key, 0, key.length - 1 - Long.BYTES, StandardCharsets.US_ASCII);
  }

  private static long timestampOf(byte[] key) {
    return ByteBuffer.wrap(key, key.length - Long.BYTES, Long.BYTES).getLong() ^ Long.MIN_VALUE;
  }

  private static byte[] value(Reading reading) {
    byte[] value = new byte[VALUE_BYTES];
    putInt(value, 0, Float.floatToRawIntBits(reading.temperature()));
    putInt(value, 4, Float.floatToRawIntBits(reading.humidity()));
    putInt(value, 8, Float.floatToRawIntBits(reading.pressure()));
    return value;
  }

  private static void putInt(byte[] into, int at, int value) {
    for (int i = 0; i < Integer.BYTES; i++) {
      into[at + i] = (byte) (value >>> (24 - 8 * i));
    }
  }

  private static Reading reading(String device, long ts, byte[] value) {
    ByteBuffer values = ByteBuffer.wrap(value);
    return new Reading(device, ts, values.getFloat(), values.getFloat(), values.getFloat());
  }
}
