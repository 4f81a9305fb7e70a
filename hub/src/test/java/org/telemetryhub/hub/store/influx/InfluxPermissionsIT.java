package org.telemetryhub.hub.store.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.influxdb.InfluxDB;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.StoreException;
import org.telemetryhub.hub.testing.InfluxServer;

/**
 * The InfluxDB store with the rights an operator gives it, on a real influxd that requires
 * authentication: a user granted ALL on an existing database (no admin) writes and reads; the hub
 * never changes a database's default retention policy unless it created the database; what it may
 * not do is refused with a message that says what to do.
 */
class InfluxPermissionsIT {

  private static final String WRITER = "writer";
  private static final String WRITER_PASSWORD = "writer-secret";

  @TempDir
  static Path dir;
  private static InfluxServer server;
  private static InfluxDB admin;

  @BeforeAll
  static void start() throws Exception {
    server = InfluxServer.startWithAuth(dir.resolve("influx"));
    admin = server.admin();
    admin.query(new Query("CREATE USER " + WRITER + " WITH PASSWORD '" + WRITER_PASSWORD + "'"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static InfluxReadingStore store(String user, String password, String database, String policy) {
    return InfluxReadingStore.connect(new InfluxSettings(server.url(), database, policy, user, password, 2, false,
        Duration.ofSeconds(10)), Duration.ofDays(30));
  }

  private static String defaultPolicy(String database) {
    QueryResult policies = admin.query(new Query("SHOW RETENTION POLICIES ON \"" + database + "\""));
    for (List<Object> row : policies.getResults().get(0).getSeries().get(0).getValues()) {
      if (Boolean.TRUE.equals(row.get(row.size() - 1))) {
        return (String) row.get(0);
      }
    }
    throw new AssertionError("no default policy on " + database + ": " + policies);
  }

  private static void grantAllTo(String database) {
    admin.query(new Query("CREATE DATABASE \"" + database + "\""));
    admin.query(new Query("GRANT ALL ON \"" + database + "\" TO " + WRITER));
  }

  @Test
  void aUserWithoutAdminRightsWritesToAnExistingDatabaseAndPolicy() throws Exception {
    grantAllTo("shared");
    admin.query(new Query("CREATE RETENTION POLICY hub_data ON shared DURATION 7d REPLICATION 1"));
    long now = Instant.now().getEpochSecond();
    try (InfluxReadingStore store = store(WRITER, WRITER_PASSWORD, "shared", "hub_data")) {
      store.write(List.of(new Reading("d1", now - 5, 21f, 40f, 1000f), new Reading("d1", now - 4, 22f, 41f, 1001f)));
      assertEquals(2, store.query("d1", now - 60, now, 10).size());
      assertEquals(now - 4, store.latestTimestamp("d1"));
    }
    QueryResult inPolicy = admin.query(new Query("SELECT count(temperature) FROM hub_data.readings", "shared"));
    assertEquals(2.0, inPolicy.getResults().get(0).getSeries().get(0).getValues().get(0).get(1), "written to the named policy");
    assertEquals("autogen", defaultPolicy("shared"), "the database's default is left as it was");
  }

  @Test
  void aMissingPolicyThatTheUserMayNotCreateIsAClearError() {
    grantAllTo("nopolicy");
    try (InfluxReadingStore store = store(WRITER, WRITER_PASSWORD, "nopolicy", "telemetry_hub")) {
      StoreException refused = assertThrows(StoreException.class,
          () -> store.write(List.of(new Reading("d", Instant.now().getEpochSecond(), 1f, 1f, 1000f))));
      assertTrue(refused.getMessage().contains("has no retention policy 'telemetry_hub'")
          && refused.getMessage().contains("CREATE RETENTION POLICY") && refused.getMessage().contains("--influx-retention-policy"),
          refused.getMessage());
    }
  }

  @Test
  void aMissingDatabaseThatTheUserMayNotCreateIsAClearError() {
    try (InfluxReadingStore store = store(WRITER, WRITER_PASSWORD, "absent", "telemetry_hub")) {
      StoreException refused = assertThrows(StoreException.class, () -> store.query("d", 0, 10, 10));
      assertTrue(refused.getMessage().contains("has no database 'absent'") && refused.getMessage().contains("may not create"),
          refused.getMessage());
    }
  }

  @Test
  void anAdminAddsItsPolicyToAnExistingDatabaseWithoutMakingItTheDefault() throws Exception {
    admin.query(new Query("CREATE DATABASE others"));
    try (InfluxReadingStore store = store(InfluxServer.ADMIN, InfluxServer.ADMIN_PASSWORD, "others", "telemetry_hub")) {
      store.write(List.of(new Reading("d", Instant.now().getEpochSecond(), 1f, 1f, 1000f)));
    }
    assertTrue(admin.query(new Query("SHOW RETENTION POLICIES ON others")).toString().contains("telemetry_hub"));
    assertEquals("autogen", defaultPolicy("others"), "another writer's default stays");
  }

  @Test
  void aDatabaseTheHubCreatesGetsItsPolicyAsTheDefault() throws Exception {
    try (InfluxReadingStore store = store(InfluxServer.ADMIN, InfluxServer.ADMIN_PASSWORD, "fresh", "telemetry_hub")) {
      store.write(List.of(new Reading("d", Instant.now().getEpochSecond(), 1f, 1f, 1000f)));
    }
    assertEquals("telemetry_hub", defaultPolicy("fresh"));
  }
}
