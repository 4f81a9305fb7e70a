package org.telemetryhub.hub.store.influx;

import java.time.Duration;

/** Where and how the InfluxDB backend writes, and how often the hub's meters are pushed beside the readings. */
public record InfluxSettings(String url, String database, String retentionPolicy, String user, String password, int writesInFlight,
                             boolean gzip, Duration metricsStep) {
}
