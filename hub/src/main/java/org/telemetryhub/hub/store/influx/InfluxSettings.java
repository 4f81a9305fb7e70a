package org.telemetryhub.hub.store.influx;

import java.time.Duration;

/**
 * Where and how the InfluxDB backend writes, and how often the hub's meters are pushed beside the readings.
 *
 * @param url             the InfluxDB 1.x HTTP API
 * @param database        the database, created when missing
 * @param retentionPolicy the hub's retention policy in it, created or updated to the hub's retention
 * @param user            the user name, or null when InfluxDB requires none
 * @param password        the password, or null
 * @param writesInFlight  write requests at once
 * @param gzip            whether write requests are gzip-compressed
 * @param metricsStep     how often the hub's meters are pushed to the database
 */
public record InfluxSettings(String url, String database, String retentionPolicy, String user, String password, int writesInFlight,
                             boolean gzip, Duration metricsStep) {

  public static final String DEFAULT_URL = "http://127.0.0.1:8086";
  public static final String DEFAULT_DATABASE = "telemetry";
  public static final String DEFAULT_RETENTION_POLICY = "telemetry_hub";
  public static final int DEFAULT_WRITES_IN_FLIGHT = 4;
  public static final boolean DEFAULT_GZIP = false;
  public static final Duration DEFAULT_METRICS_STEP = Duration.ofSeconds(10);
  public static final InfluxSettings DEFAULTS = new InfluxSettings(DEFAULT_URL, DEFAULT_DATABASE, DEFAULT_RETENTION_POLICY, null,
      null, DEFAULT_WRITES_IN_FLIGHT, DEFAULT_GZIP, DEFAULT_METRICS_STEP);

  public InfluxSettings withUrl(String serverUrl) {
    return new InfluxSettings(serverUrl, database, retentionPolicy, user, password, writesInFlight, gzip, metricsStep);
  }

  public InfluxSettings withDatabase(String name) {
    return new InfluxSettings(url, name, retentionPolicy, user, password, writesInFlight, gzip, metricsStep);
  }

  public InfluxSettings withUser(String name, String secret) {
    return new InfluxSettings(url, database, retentionPolicy, name, secret, writesInFlight, gzip, metricsStep);
  }

  public InfluxSettings withMetricsStep(Duration step) {
    return new InfluxSettings(url, database, retentionPolicy, user, password, writesInFlight, gzip, step);
  }
}
