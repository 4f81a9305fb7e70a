package org.telemetryhub.hub.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The meters every JVM service is expected to have, from Micrometer's own binders: memory, GC,
 * threads, classes, CPU, open files (against the limit), uptime; and {@code hub_build_info} (1,
 * with the version and Java version as tags), so that a dashboard can tell which build runs.
 */
public final class RuntimeMeters implements AutoCloseable {

  public static final String BUILD_INFO = "hub.build.info";

  private final JvmGcMetrics gc = new JvmGcMetrics();

  private RuntimeMeters() {
  }

  public static RuntimeMeters bindTo(MeterRegistry registry) {
    RuntimeMeters meters = new RuntimeMeters();
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    meters.gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder(BUILD_INFO, () -> 1)
        .description("Always 1; the tags say which build of the hub runs on which Java")
        .tag("version", version())
        .tag("java", System.getProperty("java.version"))
        .register(registry);
    return meters;
  }

  /** The hub's version, from the build; "dev" when run from an unbuilt tree. */
  public static String version() {
    try (InputStream in = RuntimeMeters.class.getResourceAsStream("/org/telemetryhub/hub/build-info.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }

  /** Stops listening for GC notifications. */
  @Override
  public void close() {
    gc.close();
  }
}
