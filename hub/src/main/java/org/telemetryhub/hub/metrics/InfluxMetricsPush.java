package org.telemetryhub.hub.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.influx.InfluxApiVersion;
import io.micrometer.influx.InfluxConfig;
import io.micrometer.influx.InfluxMeterRegistry;
import java.time.Duration;

/** The hub's own meters, pushed to InfluxDB every step beside the Prometheus endpoint. */
public final class InfluxMetricsPush {

  private InfluxMetricsPush() {
  }

  public static InfluxMeterRegistry registry(String url, String database, String user, String password, Duration step) {
    InfluxConfig config = new InfluxConfig() {
      @Override
      public String get(String key) {
        return null; // every setting comes from the overrides below
      }

      @Override
      public String uri() {
        return url;
      }

      @Override
      public String db() {
        return database;
      }

      @Override
      public String userName() {
        return user;
      }

      @Override
      public String password() {
        return password;
      }

      @Override
      public Duration step() {
        return step;
      }

      @Override
      public boolean autoCreateDb() {
        return true;
      }

      @Override
      public InfluxApiVersion apiVersion() {
        return InfluxApiVersion.V1;
      }
    };
    return new InfluxMeterRegistry(config, Clock.SYSTEM);
  }
}
