package org.telemetryhub.hub.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.influx.InfluxApiVersion;
import io.micrometer.influx.InfluxConfig;
import io.micrometer.influx.InfluxMeterRegistry;
import java.time.Duration;

/**
 * The hub's own meters, pushed to InfluxDB every step beside the Prometheus endpoint, each tagged
 * with the hub's node name so that several hubs writing one database stay apart. The database is
 * the store's (which creates it where allowed); the registry never tries to create it.
 */
public final class InfluxMetricsPush {

  /** Micrometer's own defaults for the push. */
  private static final Duration PUSH_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration PUSH_READ_TIMEOUT = Duration.ofSeconds(10);

  private InfluxMetricsPush() {
  }

  public static InfluxMeterRegistry registry(String url, String database, String retentionPolicy, String user, String password,
                                             Duration step, String node) {
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
      public String retentionPolicy() {
        return retentionPolicy;
      }

      @Override
      public boolean autoCreateDb() {
        return false;
      }

      @Override
      public InfluxApiVersion apiVersion() {
        return InfluxApiVersion.V1;
      }
    };
    // One line when pushing stops working and one when it works again, not a stack trace per step.
    InfluxMeterRegistry registry = InfluxMeterRegistry.builder(config).clock(Clock.SYSTEM)
        .httpClient(PushStateLog.over(url, PUSH_CONNECT_TIMEOUT, PUSH_READ_TIMEOUT)).build();
    registry.config().commonTags("node", node);
    // InfluxDB cannot compute percentiles from Prometheus-style buckets: the latency timers also
    // push their 50th, 99th and 99.9th percentiles (measurement <name>_percentile, tag phi), here only.
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER || !id.getName().startsWith("hub.")) {
          return config;
        }
        return DistributionStatisticConfig.builder().percentiles(0.5, 0.99, 0.999).build().merge(config);
      }
    });
    return registry;
  }
}
