package org.telemetryhub.hub.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a readings file to the current schema, in one transaction: creates the tables of a new
 * file, or migrates a schema-1 file (device names in the key, an index on ts, no version number).
 * The schema version is SQLite's {@code user_version}; a file newer than this hub is refused.
 */
final class SchemaMigration {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);

  private SchemaMigration() {
  }

  static void apply(Connection connection, int version, String... createTables) throws SQLException {
    int current = userVersion(connection);
    if (current == version) {
      return;
    }
    if (current > version) {
      throw new SQLException("the file has schema version " + current + ", newer than this hub's " + version
          + ": run a hub at least as new as the one that wrote it");
    }
    boolean schemaOne = current == 0 && hasTable(connection, "readings");
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      if (schemaOne) {
        statement.executeUpdate("DROP INDEX IF EXISTS readings_by_ts");
        statement.executeUpdate("ALTER TABLE readings RENAME TO readings_schema1");
      }
      for (String createTable : createTables) {
        statement.executeUpdate(createTable);
      }
      long migrated = 0;
      if (schemaOne) {
        statement.executeUpdate("INSERT INTO devices (name) SELECT DISTINCT device FROM readings_schema1 ORDER BY device");
        migrated = statement.executeUpdate("""
            INSERT INTO readings (device, ts, temperature, humidity, pressure)
            SELECT d.id, r.ts, r.temperature, r.humidity, r.pressure
            FROM readings_schema1 r JOIN devices d ON d.name = r.device""");
        statement.executeUpdate("DROP TABLE readings_schema1");
      }
      statement.executeUpdate("PRAGMA user_version = " + version);
      connection.commit();
      if (schemaOne) {
        LOG.info("migrated the readings file from schema 1 to {}: {} readings", version, migrated);
      }
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static int userVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet row = statement.executeQuery("PRAGMA user_version")) {
      return row.next() ? row.getInt(1) : 0;
    }
  }

  private static boolean hasTable(Connection connection, String name) throws SQLException {
    try (var statement = connection.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      statement.setString(1, name);
      try (ResultSet row = statement.executeQuery()) {
        return row.next();
      }
    }
  }
}
