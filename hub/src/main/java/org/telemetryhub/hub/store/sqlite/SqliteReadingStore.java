package org.telemetryhub.hub.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;
import org.telemetryhub.hub.files.OwnerOnlyFiles;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreException;

/**
 * The embedded store: one SQLite file in the data directory, one row per (device, ts).
 *
 * <p>Write-ahead logging lets readers run beside the writer; {@code synchronous=FULL} makes every
 * committed batch survive a crash of the process and of the machine, which is what an ack promises.
 * Writes come from the single writer thread on their own connection; queries and retention share
 * a second connection, serialised by a lock.
 *
 * <p>Rows are keyed by a small integer per device (table {@code devices}) rather than its name, and
 * the primary key is the only index: both made inserts 1.2 to 1.4 times faster than schema 1 (device
 * names in the key and an index on ts), measured in docs/benchmarks.md. Retention deletes by device,
 * along the primary key. A schema-1 file is migrated when opened.
 */
public final class SqliteReadingStore implements ReadingStore {

  public static final String FILE_NAME = "readings.db";
  static final int SCHEMA_VERSION = 2;
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;
  private static final int DELETE_CHUNK = 10_000;
  /** The write-ahead log's size past which {@link #checkpoint} resets it, by default. */
  public static final long MAX_WAL_BYTES = 64L * 1024 * 1024;

  private static final String DEVICES = """
      CREATE TABLE IF NOT EXISTS devices (
        id   INTEGER PRIMARY KEY,
        name TEXT    NOT NULL UNIQUE
      )""";
  private static final String READINGS = """
      CREATE TABLE IF NOT EXISTS readings (
        device      INTEGER NOT NULL,
        ts          INTEGER NOT NULL,
        temperature REAL    NOT NULL,
        humidity    REAL    NOT NULL,
        pressure    REAL    NOT NULL,
        PRIMARY KEY (device, ts)
      ) WITHOUT ROWID""";
  private static final String UPSERT = """
      INSERT INTO readings (device, ts, temperature, humidity, pressure) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (device, ts) DO UPDATE SET
        temperature = excluded.temperature, humidity = excluded.humidity, pressure = excluded.pressure""";
  private static final String ADD_DEVICE = "INSERT INTO devices (name) VALUES (?) ON CONFLICT (name) DO NOTHING";
  private static final String DEVICE_ID = "SELECT id FROM devices WHERE name = ?";
  private static final String QUERY = """
      SELECT ts, temperature, humidity, pressure FROM readings
      WHERE device = (SELECT id FROM devices WHERE name = ?) AND ts BETWEEN ? AND ? ORDER BY ts LIMIT ?""";
  private static final String ANY = "SELECT 1 FROM readings WHERE device = (SELECT id FROM devices WHERE name = ?) LIMIT 1";
  private static final String LATEST = """
      SELECT max(ts) FROM readings WHERE device = (SELECT id FROM devices WHERE name = ?)""";
  private static final String COUNT = """
      SELECT count(*) FROM readings WHERE device = (SELECT id FROM devices WHERE name = ?) AND ts BETWEEN ? AND ?""";
  private static final String ALL_DEVICES = "SELECT id FROM devices";
  private static final String DELETE_OLD = """
      DELETE FROM readings WHERE device = ? AND ts IN (SELECT ts FROM readings WHERE device = ? AND ts < ? LIMIT ?)""";

  private final Path file;
  /** The writer thread's connection and statements; replaced after a failed write (see {@link #write}). */
  private Connection writeConnection;
  private PreparedStatement upsert;
  private PreparedStatement addDevice;
  private PreparedStatement deviceId;
  private final Connection readConnection;
  private long maxWalBytes = MAX_WAL_BYTES;
  /** Readings committed since the writer's last checkpoint (writer thread only): about the pages the log holds. */
  private long writtenSinceCheckpoint;
  /** When the writer's last checkpoint started (System.nanoTime()). */
  private long lastCheckpointNanos = System.nanoTime();
  /** Device name to its id; written by the writer thread only, and only after the ids are committed. */
  private final Map<String, Long> deviceIds = new HashMap<>();

  private SqliteReadingStore(Path file, Connection writeConnection, Connection readConnection) throws SQLException {
    this.file = file;
    this.readConnection = readConnection;
    useForWrites(writeConnection);
  }

  private void useForWrites(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    this.writeConnection = connection;
    this.upsert = connection.prepareStatement(UPSERT);
    this.addDevice = connection.prepareStatement(ADD_DEVICE);
    this.deviceId = connection.prepareStatement(DEVICE_ID);
  }

  /** Opens (creating when missing, migrating when older) the single-file store {@value #FILE_NAME} in {@code dataDir}. */
  public static SqliteReadingStore open(Path dataDir) throws StoreException {
    return openFile(dataDir.resolve(FILE_NAME), false);
  }

  /**
   * Opens (creating when missing, migrating when older) one readings file. With
   * {@code checkpointsByCaller}, commits never run a WAL checkpoint themselves (SQLite's
   * automatic one runs inside the commit that crosses 1,000 pages, and made the tail of ack
   * latency): the caller runs {@link #checkpoint} from a thread of its own.
   */
  public static SqliteReadingStore openFile(Path file, boolean checkpointsByCaller) throws StoreException {
    try {
      // Owner-only, like the secret: SQLite gives its -wal and -shm files the database file's mode.
      OwnerOnlyFiles.createDirectories(file.getParent());
      OwnerOnlyFiles.ensure(file);
      OwnerOnlyFiles.restrict(file.resolveSibling(file.getFileName() + "-wal"));
      OwnerOnlyFiles.restrict(file.resolveSibling(file.getFileName() + "-shm"));
      Connection write = connect(file);
      SchemaMigration.apply(write, SCHEMA_VERSION, DEVICES, READINGS);
      if (checkpointsByCaller) {
        try (Statement statement = write.createStatement()) {
          statement.execute("PRAGMA wal_autocheckpoint = 0");
        }
      }
      return new SqliteReadingStore(file, write, connect(file));
    } catch (SQLException | java.io.IOException e) {
      throw new StoreException("cannot open SQLite store " + file + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
  }

  /**
   * Resets the write-ahead log when it has outgrown its bound ({@link #resetLogPast}): the writer's
   * own checkpoints ({@link #checkpointAfter}) normally start it over, but a query that holds an old
   * snapshot keeps them from copying all of it, and then the log grows. The truncating checkpoint
   * waits for the writer's current commit and blocks the next ones while it runs (a pause of this
   * shard's writes, instead of a log that grows until the disk is full). On the read connection.
   */
  public synchronized void checkpoint() throws StoreException {
    try (Statement statement = readConnection.createStatement()) {
      Path wal = walFile();
      if (Files.exists(wal) && Files.size(wal) > maxWalBytes) {
        statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    } catch (SQLException | java.io.IOException e) {
      throw new StoreException("SQLite checkpoint of " + file + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * On the writer's thread between two commits: once about {@code readings} readings were committed
   * and {@code minIntervalNanos} passed since the last time, copies the write-ahead log into the
   * database file (passive, on the write connection). The interval keeps a fast writer of few devices,
   * whose batches touch few pages, from paying a checkpoint (and its fsync) after every batch. With
   * no commit of this file under way the copy is complete (unless a query holds an old snapshot), so
   * the next commit starts the log over: it stays at a few megabytes, written in
   * small steps between batches. Left to a timer on another thread, the log of a store taking
   * 15,000 readings a second (a page each) grew by 18 MB a second, checkpoints never caught up with
   * the commits, and the truncating checkpoint that bounded it blocked the writer for 50 to 100 ms
   * every few seconds: the tail of ack latency.
   */
  public void checkpointAfter(long readings, long minIntervalNanos) throws StoreException {
    if (writtenSinceCheckpoint < readings || writeConnection == null
        || System.nanoTime() - lastCheckpointNanos < minIntervalNanos) {
      return;
    }
    lastCheckpointNanos = System.nanoTime();
    try (Statement statement = writeConnection.createStatement()) {
      writeConnection.setAutoCommit(true);
      try {
        statement.execute("PRAGMA wal_checkpoint(PASSIVE)");
      } finally {
        writeConnection.setAutoCommit(false);
      }
      writtenSinceCheckpoint = 0;
    } catch (SQLException e) {
      throw new StoreException("SQLite checkpoint of " + file + " failed: " + e.getMessage(), e);
    }
  }

  /** Sets the log size past which {@link #checkpoint} resets the log. */
  public void resetLogPast(long bytes) {
    this.maxWalBytes = bytes;
  }

  /** The write-ahead log's file. */
  public Path walFile() {
    return file.resolveSibling(file.getFileName() + "-wal");
  }

  /** Every device with a row in the devices table, by name. */
  public synchronized List<String> devices() throws StoreException {
    try (Statement statement = readConnection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT name FROM devices ORDER BY id")) {
      List<String> names = new ArrayList<>();
      while (rows.next()) {
        names.add(rows.getString(1));
      }
      return names;
    } catch (SQLException e) {
      throw new StoreException("SQLite query on " + file + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Reading> latestReadings() throws StoreException {
    List<Reading> latest = new ArrayList<>();
    for (String device : devices()) {
      long ts = latestTimestamp(device);
      if (ts >= 0) {
        latest.addAll(query(device, ts, ts, 1));
      }
    }
    return latest;
  }

  /**
   * Writes the batch in one transaction. After a failure the write connection is replaced: SQLite
   * rolls a transaction back by itself on some errors (SQLITE_FULL among them), and the driver,
   * which does not notice, then runs every later statement outside a transaction and fails every
   * commit with "no transaction is active", also once the disk has room again. A fresh connection
   * has no such state, so the next attempt succeeds as soon as the cause is gone.
   */
  @Override
  public void write(List<Reading> batch) throws StoreException {
    if (writeConnection == null) {
      reopenForWrites();
    }
    Map<String, Long> added = new HashMap<>();
    try {
      for (Reading reading : batch) {
        upsert.setLong(1, idOf(reading.device(), added));
        upsert.setLong(2, reading.ts());
        upsert.setFloat(3, reading.temperature());
        upsert.setFloat(4, reading.humidity());
        upsert.setFloat(5, reading.pressure());
        upsert.addBatch();
      }
      upsert.executeBatch();
      writeConnection.commit();
      deviceIds.putAll(added);
      writtenSinceCheckpoint += batch.size();
    } catch (SQLException e) {
      discardWriteConnection();
      throw new StoreException("SQLite write to " + file + " failed: " + e.getMessage(), e);
    }
  }

  private void reopenForWrites() throws StoreException {
    try {
      useForWrites(connect(file));
    } catch (SQLException e) {
      throw new StoreException("cannot reopen SQLite store " + file + " for writing: " + e.getMessage(), e);
    }
  }

  /** The device's id, adding the device (in the current transaction) when it is new. */
  private long idOf(String device, Map<String, Long> addedInThisBatch) throws SQLException {
    Long id = deviceIds.get(device);
    if (id == null) {
      id = addedInThisBatch.get(device);
    }
    if (id == null) {
      addDevice.setString(1, device);
      addDevice.executeUpdate();
      deviceId.setString(1, device);
      try (ResultSet row = deviceId.executeQuery()) {
        row.next();
        id = row.getLong(1);
      }
      addedInThisBatch.put(device, id);
    }
    return id;
  }

  /** Rolls back what can be, and closes the connection; the next write opens a new one. */
  private void discardWriteConnection() {
    try {
      writeConnection.rollback();
    } catch (SQLException ignored) {
      // Often already rolled back by SQLite itself; the write's own failure is what the caller reports.
    }
    closeWriteConnection();
    writeConnection = null;
  }

  private void closeWriteConnection() {
    try {
      upsert.close();
      addDevice.close();
      deviceId.close();
      writeConnection.close();
    } catch (SQLException ignored) {
      // Closing a failed connection: nothing it held is committed.
    }
  }

  @Override
  public synchronized List<Reading> query(String device, long from, long to, int limit) throws StoreException {
    try (PreparedStatement statement = readConnection.prepareStatement(QUERY)) {
      statement.setString(1, device);
      statement.setLong(2, from);
      statement.setLong(3, to);
      statement.setInt(4, limit);
      List<Reading> readings = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          readings.add(new Reading(device, rows.getLong(1), rows.getFloat(2), rows.getFloat(3), rows.getFloat(4)));
        }
      }
      return readings;
    } catch (SQLException e) {
      throw new StoreException("SQLite query on " + file + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long count(String device, long from, long to) throws StoreException {
    try (PreparedStatement statement = readConnection.prepareStatement(COUNT)) {
      statement.setString(1, device);
      statement.setLong(2, from);
      statement.setLong(3, to);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new StoreException("SQLite query on " + file + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long latestTimestamp(String device) throws StoreException {
    try (PreparedStatement statement = readConnection.prepareStatement(LATEST)) {
      statement.setString(1, device);
      try (ResultSet rows = statement.executeQuery()) {
        long latest = rows.next() ? rows.getLong(1) : 0;
        return rows.wasNull() ? -1 : latest;
      }
    } catch (SQLException e) {
      throw new StoreException("SQLite query on " + file + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean hasReadings(String device) throws StoreException {
    try (PreparedStatement statement = readConnection.prepareStatement(ANY)) {
      statement.setString(1, device);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException e) {
      throw new StoreException("SQLite query on " + file + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long deleteOlderThan(long cutoffEpochSeconds) throws StoreException {
    // Device by device along the primary key, in chunks, so the writer never waits long for the lock.
    long deleted = 0;
    try (PreparedStatement devices = readConnection.prepareStatement(ALL_DEVICES);
         PreparedStatement delete = readConnection.prepareStatement(DELETE_OLD)) {
      List<Long> ids = new ArrayList<>();
      try (ResultSet rows = devices.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
      for (long id : ids) {
        int chunk;
        do {
          delete.setLong(1, id);
          delete.setLong(2, id);
          delete.setLong(3, cutoffEpochSeconds);
          delete.setInt(4, DELETE_CHUNK);
          chunk = delete.executeUpdate();
          deleted += chunk;
        } while (chunk == DELETE_CHUNK);
      }
      return deleted;
    } catch (SQLException e) {
      throw new StoreException("SQLite retention delete on " + file + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "sqlite " + file;
  }

  @Override
  public synchronized void close() {
    if (writeConnection != null) {
      closeWriteConnection();
    }
    try {
      readConnection.close();
    } catch (SQLException ignored) {
      // Closing at shutdown: committed data is already safe in the database file.
    }
  }
}
