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
import java.util.List;
import org.sqlite.SQLiteConfig;
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
 */
public final class SqliteReadingStore implements ReadingStore {

  public static final String FILE_NAME = "readings.db";
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;
  private static final int DELETE_CHUNK = 10_000;

  private static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS readings (
        device      TEXT    NOT NULL,
        ts          INTEGER NOT NULL,
        temperature REAL    NOT NULL,
        humidity    REAL    NOT NULL,
        pressure    REAL    NOT NULL,
        PRIMARY KEY (device, ts)
      ) WITHOUT ROWID""";
  private static final String TS_INDEX = "CREATE INDEX IF NOT EXISTS readings_by_ts ON readings (ts)";
  private static final String UPSERT = """
      INSERT INTO readings (device, ts, temperature, humidity, pressure) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (device, ts) DO UPDATE SET
        temperature = excluded.temperature, humidity = excluded.humidity, pressure = excluded.pressure""";
  private static final String QUERY = """
      SELECT ts, temperature, humidity, pressure FROM readings
      WHERE device = ? AND ts BETWEEN ? AND ? ORDER BY ts LIMIT ?""";
  private static final String ANY = "SELECT 1 FROM readings WHERE device = ? LIMIT 1";
  private static final String DELETE_OLD = """
      DELETE FROM readings WHERE (device, ts) IN (SELECT device, ts FROM readings WHERE ts < ? LIMIT ?)""";

  private final Path file;
  private final Connection writeConnection;
  private final PreparedStatement upsert;
  private final Connection readConnection;

  private SqliteReadingStore(Path file, Connection writeConnection, Connection readConnection) throws SQLException {
    this.file = file;
    this.writeConnection = writeConnection;
    this.readConnection = readConnection;
    this.upsert = writeConnection.prepareStatement(UPSERT);
  }

  /** Opens (creating when missing) the store in {@code dataDir}. */
  public static SqliteReadingStore open(Path dataDir) throws StoreException {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      Connection write = connect(file);
      try (Statement statement = write.createStatement()) {
        statement.executeUpdate(SCHEMA);
        statement.executeUpdate(TS_INDEX);
      }
      write.setAutoCommit(false);
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

  @Override
  public void write(List<Reading> batch) throws StoreException {
    try {
      for (Reading reading : batch) {
        upsert.setString(1, reading.device());
        upsert.setLong(2, reading.ts());
        upsert.setFloat(3, reading.temperature());
        upsert.setFloat(4, reading.humidity());
        upsert.setFloat(5, reading.pressure());
        upsert.addBatch();
      }
      upsert.executeBatch();
      writeConnection.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new StoreException("SQLite write to " + file + " failed: " + e.getMessage(), e);
    }
  }

  private void rollbackQuietly() {
    try {
      upsert.clearBatch();
      writeConnection.rollback();
    } catch (SQLException ignored) {
      // The write already failed; that failure is what the caller reports.
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
    // In chunks, so that the writer thread never waits long for the database lock.
    long deleted = 0;
    try (PreparedStatement statement = readConnection.prepareStatement(DELETE_OLD)) {
      int chunk;
      do {
        statement.setLong(1, cutoffEpochSeconds);
        statement.setInt(2, DELETE_CHUNK);
        chunk = statement.executeUpdate();
        deleted += chunk;
      } while (chunk == DELETE_CHUNK);
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
    try {
      upsert.close();
      writeConnection.close();
      readConnection.close();
    } catch (SQLException ignored) {
      // Closing at shutdown: committed data is already safe in the database file.
    }
  }
}
