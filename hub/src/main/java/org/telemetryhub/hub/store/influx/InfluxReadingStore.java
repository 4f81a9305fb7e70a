package org.telemetryhub.hub.store.influx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BoundParameterQuery;
import org.influxdb.dto.Point;
import org.influxdb.dto.Pong;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.alerts.AlertEvent;
import org.telemetryhub.hub.liveness.DeviceStatus;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.StoreException;

/**
 * The production store: InfluxDB 1.x over its HTTP API. Measurement {@value #READINGS} (tag
 * device; fields temperature, humidity, pressure; second precision); a point with the same device
 * and time replaces the earlier one, which is the upsert the contract asks for. Device state
 * transitions and alert events go to their own measurements for Grafana to chart and annotate.
 *
 * <p>Works with the rights it has: an existing database is used as it is, and created only when
 * missing (which needs an admin user). Everything goes to one named retention policy, created
 * (lasting the retention period) when missing and allowed; it becomes the database's default only
 * when the hub created the database itself, so other writers of a shared database keep theirs.
 * This is checked on the first write or query that finds InfluxDB reachable, so the hub may start
 * before InfluxDB. What was found and done is logged once.
 */
public final class InfluxReadingStore implements ReadingStore {

  public static final String READINGS = "readings";
  public static final String DEVICE_STATUS = "device_status";
  public static final String ALERTS = "alerts";
  private static final Logger LOG = LoggerFactory.getLogger(InfluxReadingStore.class);

  private final InfluxDB influx;
  private final String url;
  private final String database;
  private final String retentionPolicy;
  private final Duration retention;
  private final int writesInFlight;
  private volatile boolean databaseReady;

  private InfluxReadingStore(InfluxDB influx, InfluxSettings settings, Duration retention) {
    this.influx = influx;
    this.url = settings.url();
    this.database = settings.database();
    this.retentionPolicy = settings.retentionPolicy();
    this.retention = retention;
    this.writesInFlight = settings.writesInFlight();
  }

  /** Connects (lazily: nothing is sent yet); {@code writesInFlight} of the settings are the write lanes. */
  public static InfluxReadingStore connect(InfluxSettings settings, Duration retention) {
    OkHttpClient.Builder http = new OkHttpClient.Builder()
        .connectTimeout(5, TimeUnit.SECONDS)
        .readTimeout(15, TimeUnit.SECONDS)
        .writeTimeout(15, TimeUnit.SECONDS);
    InfluxDB influx = settings.user() == null || settings.user().isEmpty()
        ? InfluxDBFactory.connect(settings.url(), http)
        : InfluxDBFactory.connect(settings.url(), settings.user(), settings.password(), http);
    if (settings.gzip()) {
      influx.enableGzip(); // pays across a slow link; on a fast one the compression costs more than it saves
    }
    return new InfluxReadingStore(influx, settings, retention);
  }

  private synchronized void ensureDatabase() throws StoreException {
    if (databaseReady) {
      return;
    }
    try {
      boolean created = false;
      if (!names("SHOW DATABASES", null).contains(database)) {
        String refusal = run("CREATE DATABASE " + quoted(database), null);
        if (refusal != null) {
          throw new StoreException("InfluxDB at " + url + " has no database '" + database + "' and this user may not create "
              + "it (" + refusal + "): create it as an admin and grant this user WRITE and READ on it", null);
        }
        created = true;
      }
      String policy = "RETENTION POLICY " + quoted(retentionPolicy) + " ON " + quoted(database) + " DURATION "
          + Math.max(1, retention.toHours()) + "h REPLICATION 1" + (created ? " DEFAULT" : "");
      if (!names("SHOW RETENTION POLICIES ON " + quoted(database), database).contains(retentionPolicy)) {
        String refusal = run("CREATE " + policy, database);
        if (refusal != null) {
          throw new StoreException("InfluxDB database '" + database + "' has no retention policy '" + retentionPolicy
              + "' and this user may not create it (" + refusal + "): have an admin run CREATE " + policy
              + ", or name an existing one with --influx-retention-policy", null);
        }
        LOG.info("InfluxDB at {}: {} database '{}', created retention policy '{}' ({}){}", url, created ? "created" : "using",
            database, retentionPolicy, Math.max(1, retention.toHours()) + "h", created
                ? ", the database's default" : "; the database's default policy is left as it is");
      } else {
        LOG.info("InfluxDB at {}: using database '{}' and its retention policy '{}' as they are", url, database,
            retentionPolicy);
      }
      databaseReady = true;
    } catch (RuntimeException e) {
      throw new StoreException("InfluxDB at " + url + " cannot be set up: " + message(e), e);
    }
  }

  /** The first column of every row a SHOW statement answers. */
  private List<String> names(String show, String db) throws StoreException {
    List<String> names = new ArrayList<>();
    for (List<Object> row : rows(db == null ? new Query(show) : new Query(show, db))) {
      names.add(String.valueOf(row.get(0)));
    }
    return names;
  }

  /** Runs a statement; null when it succeeded, else InfluxDB's error. */
  private String run(String statement, String db) {
    try {
      QueryResult result = influx.query(db == null ? new Query(statement) : new Query(statement, db));
      if (result.hasError()) {
        return result.getError();
      }
      for (QueryResult.Result part : result.getResults()) {
        if (part.hasError()) {
          return part.getError();
        }
      }
      return null;
    } catch (InfluxDBException e) {
      return message(e);
    }
  }

  private static String quoted(String name) {
    return "\"" + name.replace("\"", "\\\"") + "\"";
  }

  /** The measurement as queries name it: in the hub's retention policy, which need not be the default. */
  private String from(String measurement) {
    return quoted(retentionPolicy) + "." + measurement;
  }

  @Override
  public int writeLanes() {
    return writesInFlight;
  }

  @Override
  public void write(List<Reading> batch) throws StoreException {
    ensureDatabase();
    try {
      influx.write(database, retentionPolicy, InfluxDB.ConsistencyLevel.ALL, TimeUnit.SECONDS, lineProtocol(batch));
    } catch (RuntimeException e) {
      throw new StoreException("InfluxDB at " + url + " did not accept " + batch.size() + " readings: " + message(e), e);
    }
  }

  /**
   * The batch as InfluxDB's line protocol, written straight into one buffer: building a client
   * {@code Point} per reading (a map of fields, escaping, a builder each) was the hub's largest cost
   * on this path. Device ids need no escaping (letters, digits, '.', '_', '-' only); values are the
   * float32 readings widened to double, as before, so they read back exactly.
   */
  static String lineProtocol(List<Reading> batch) {
    StringBuilder lines = new StringBuilder(batch.size() * 96);
    for (Reading reading : batch) {
      lines.append(READINGS).append(",device=").append(reading.device())
          .append(" temperature=").append((double) reading.temperature())
          .append(",humidity=").append((double) reading.humidity())
          .append(",pressure=").append((double) reading.pressure())
          .append(' ').append(reading.ts()).append('\n');
    }
    return lines.toString();
  }

  /** Writes a state transition: fields state (text), code (online 0, silent 1, offline 2) and reason. */
  public void write(DeviceStatus status) throws StoreException {
    writeEvent(Point.measurement(DEVICE_STATUS)
        .time(status.since(), TimeUnit.MILLISECONDS)
        .tag("device", status.device())
        .addField("state", status.state().wireName())
        .addField("code", status.state().ordinal())
        .addField("reason", status.reason())
        .build());
  }

  /** Writes an alert event: tags device, rule, state; field value (and firing = 1 or 0, for charts). */
  public void write(AlertEvent alert) throws StoreException {
    writeEvent(Point.measurement(ALERTS)
        .time(alert.ts(), TimeUnit.SECONDS)
        .tag("device", alert.device())
        .tag("rule", alert.rule())
        .tag("state", alert.state())
        .addField("value", (double) alert.value())
        .addField("firing", AlertEvent.FIRING.equals(alert.state()) ? 1 : 0)
        .build());
  }

  private void writeEvent(Point point) throws StoreException {
    ensureDatabase();
    try {
      influx.write(database, retentionPolicy, point);
    } catch (RuntimeException e) {
      throw new StoreException("InfluxDB at " + url + " did not accept an event: " + message(e), e);
    }
  }

  @Override
  public List<Reading> query(String device, long from, long to, int limit) throws StoreException {
    ensureDatabase();
    // Times and the limit are numbers we made; only the device id is bound as a parameter.
    Query query = BoundParameterQuery.QueryBuilder.newQuery("SELECT temperature, humidity, pressure FROM " + from(READINGS)
            + " WHERE device = $device AND time >= " + from + "s AND time <= " + to + "s ORDER BY time ASC LIMIT " + limit)
        .forDatabase(database).bind("device", device).create();
    List<Reading> readings = new ArrayList<>();
    for (List<Object> row : rows(query)) {
      readings.add(new Reading(device, ((Number) row.get(0)).longValue(), ((Number) row.get(1)).floatValue(),
          ((Number) row.get(2)).floatValue(), ((Number) row.get(3)).floatValue()));
    }
    return readings;
  }

  @Override
  public long count(String device, long from, long to) throws StoreException {
    ensureDatabase();
    Query query = BoundParameterQuery.QueryBuilder.newQuery("SELECT count(temperature) FROM " + from(READINGS)
        + " WHERE device = $device AND time >= " + from + "s AND time <= " + to + "s").forDatabase(database).bind("device", device).create();
    List<List<Object>> rows = rows(query);
    return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
  }

  @Override
  public long latestTimestamp(String device) throws StoreException {
    ensureDatabase();
    Query query = BoundParameterQuery.QueryBuilder.newQuery("SELECT last(temperature) FROM " + from(READINGS)
        + " WHERE device = $device").forDatabase(database).bind("device", device).create();
    List<List<Object>> rows = rows(query);
    return rows.isEmpty() ? -1 : ((Number) rows.get(0).get(0)).longValue();
  }

  @Override
  public List<Reading> latestReadings() throws StoreException {
    ensureDatabase();
    // One series per device: the newest point of each, with its tag.
    Query query = new Query("SELECT temperature, humidity, pressure FROM " + from(READINGS)
        + " GROUP BY device ORDER BY time DESC LIMIT 1", database);
    QueryResult result;
    try {
      result = influx.query(query, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      throw new StoreException("InfluxDB at " + url + " did not answer a query: " + message(e), e);
    }
    List<Reading> latest = new ArrayList<>();
    for (QueryResult.Result part : result.getResults()) {
      if (part.hasError()) {
        throw new StoreException("InfluxDB query failed: " + part.getError(), null);
      }
      for (QueryResult.Series series : part.getSeries() == null ? List.<QueryResult.Series>of() : part.getSeries()) {
        String device = series.getTags() == null ? null : series.getTags().get("device");
        if (device != null && series.getValues() != null && !series.getValues().isEmpty()) {
          List<Object> row = series.getValues().get(0);
          latest.add(new Reading(device, ((Number) row.get(0)).longValue(), ((Number) row.get(1)).floatValue(),
              ((Number) row.get(2)).floatValue(), ((Number) row.get(3)).floatValue()));
        }
      }
    }
    return latest;
  }

  @Override
  public boolean hasReadings(String device) throws StoreException {
    ensureDatabase();
    Query query = BoundParameterQuery.QueryBuilder.newQuery("SELECT temperature FROM " + from(READINGS)
        + " WHERE device = $device LIMIT 1").forDatabase(database).bind("device", device).create();
    return !rows(query).isEmpty();
  }

  private List<List<Object>> rows(Query query) throws StoreException {
    QueryResult result;
    try {
      result = influx.query(query, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      throw new StoreException("InfluxDB at " + url + " did not answer a query: " + message(e), e);
    }
    if (result.hasError()) {
      throw new StoreException("InfluxDB query failed: " + result.getError(), null);
    }
    List<List<Object>> rows = new ArrayList<>();
    for (QueryResult.Result part : result.getResults()) {
      if (part.hasError()) {
        throw new StoreException("InfluxDB query failed: " + part.getError(), null);
      }
      if (part.getSeries() != null) {
        part.getSeries().stream().filter(series -> series.getValues() != null).forEach(series -> rows.addAll(series.getValues()));
      }
    }
    return rows;
  }

  /** InfluxDB's retention policy deletes old readings itself; nothing to do here. */
  @Override
  public long deleteOlderThan(long cutoffEpochSeconds) {
    return 0;
  }

  @Override
  public String unreachable() {
    try {
      Pong pong = influx.ping();
      return pong.isGood() ? null : "InfluxDB at " + url + " answered the ping badly";
    } catch (RuntimeException e) {
      return "InfluxDB at " + url + " is unreachable: " + message(e);
    }
  }

  @Override
  public String describe() {
    return "influxdb " + url + " database " + database + " retention policy " + retentionPolicy;
  }

  @Override
  public void close() {
    influx.close();
  }

  private static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
