package org.telemetryhub.hub.cli;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.backend.StoreBackend;
import org.telemetryhub.hub.config.HostName;
import org.telemetryhub.hub.config.KafkaNames;
import org.telemetryhub.hub.metrics.PrometheusEndpoint;
import org.telemetryhub.hub.sink.KafkaSink;
import org.telemetryhub.hub.store.influx.InfluxSettings;
import org.telemetryhub.hub.store.kafka.KafkaSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hub sink}: the readings topic into InfluxDB (or an embedded store), as one member of a
 * consumer group; run as many as the topic has partitions to share the work.
 */
@Command(name = "sink", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Writes the readings that hubs with --store kafka produce into a store: InfluxDB, or an embedded one.",
        "Several sinks with the same --kafka-group share the topic's partitions; offsets are committed only after the store "
            + "took the readings, so a sink that dies loses nothing."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"1:did not start (store unreachable, port taken), or stopped by an error", "2:bad options",
        "143:stopped by SIGTERM (130: by Ctrl-C), after the batch being written; the group takes its partitions over"})
public final class SinkCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(SinkCommand.class);
  static final int EXIT_FAILED = 1;

  @Option(names = "--kafka-bootstrap", defaultValue = KafkaSettings.DEFAULT_BOOTSTRAP, paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "The brokers to start from. Default: ${DEFAULT-VALUE}.")
  String bootstrap;

  @Option(names = "--kafka-topic", defaultValue = KafkaSettings.DEFAULT_TOPIC, description = "The readings topic. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(names = "--kafka-group", defaultValue = "telemetry-sink",
      description = "The consumer group: sinks of one group share the partitions. Default: ${DEFAULT-VALUE}.")
  String group;

  @Option(names = "--store", defaultValue = "influx", paramLabel = "influx|rocksdb|sqlite",
      description = "Where the readings go. Default: ${DEFAULT-VALUE}.")
  String store;

  @Option(names = "--data-dir", defaultValue = "./data", description = "With an embedded store: its directory. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--influx-url", defaultValue = InfluxSettings.DEFAULT_URL, description = "InfluxDB 1.x. Default: ${DEFAULT-VALUE}.")
  String influxUrl;

  @Option(names = "--influx-database", defaultValue = InfluxSettings.DEFAULT_DATABASE,
      description = "The database (the hubs read history from the same one). Default: ${DEFAULT-VALUE}.")
  String influxDatabase;

  @Option(names = "--influx-user", description = "InfluxDB user, if it requires one.")
  String influxUser;

  @Option(names = "--influx-password", description = "InfluxDB password. Prefer HUB_INFLUX_PASSWORD: options show in 'ps'.")
  String influxPassword;

  @Option(names = "--retention-days", defaultValue = "30",
      description = "Readings older than this many days are deleted (InfluxDB: its retention policy). Default: ${DEFAULT-VALUE}.")
  int retentionDays;

  @Option(names = "--metrics-port", defaultValue = "0",
      description = "Serve the sink's meters for Prometheus at http://<host>:PORT/metrics; 0: not served. Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--name", description = "This sink's name on its pushed meters. Default: sink@<host name>.")
  String name;

  @Override
  public Integer call() throws Exception {
    String problem = problem();
    if (problem != null) {
      System.err.println("hub sink: " + problem);
      return HubCommand.EXIT_BAD_SETTINGS;
    }
    String sinkName = name != null ? name : "sink@" + HostName.ofThisMachine();
    String password = influxPassword != null ? influxPassword : System.getenv("HUB_INFLUX_PASSWORD");
    InfluxSettings influx = InfluxSettings.DEFAULTS.withUrl(influxUrl).withDatabase(influxDatabase).withUser(influxUser, password);
    Vertx vertx = Vertx.vertx();
    StoreBackend backend;
    try {
      backend = StoreBackend.open(vertx, new StoreBackend.Choice(StoreBackend.Kind.valueOf(store.toUpperCase(Locale.ROOT)), dataDir,
          Runtime.getRuntime().availableProcessors(), influx, null, Duration.ofDays(retentionDays), sinkName));
    } catch (Exception e) {
      vertx.close();
      System.err.println("hub sink: could not open the store: " + e.getMessage());
      return ServeCommand.EXIT_NOT_STARTED;
    }
    CompositeMeterRegistry meters = new CompositeMeterRegistry();
    PrometheusEndpoint prometheus = new PrometheusEndpoint();
    meters.add(prometheus.registry());
    if (backend.pushedMeters() != null) {
      meters.add(backend.pushedMeters());
    }
    HttpServer metrics = null;
    if (metricsPort > 0) {
      try {
        metrics = metricsServer(prometheus);
      } catch (java.io.IOException e) {
        backend.store().close();
        vertx.close();
        System.err.println("hub sink: could not serve the meters on port " + metricsPort + ": " + e.getMessage());
        return ServeCommand.EXIT_NOT_STARTED;
      }
    }
    KafkaSink sink = KafkaSink.start(bootstrap, topic, group, backend.store(), meters);
    LOG.info("sink {} consuming {} from {} as group {} into {}", sinkName, topic, bootstrap, group, backend.store().describe());
    CountDownLatch stopped = new CountDownLatch(1);
    HttpServer served = metrics;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        sink.stop(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (served != null) {
        served.stop(0);
      }
      backend.store().close();
      meters.close();
      vertx.close();
      LOG.info("sink {} stopped", sinkName);
      stopped.countDown();
    }, "sink-shutdown"));
    // A sink that ends on its own (an error it cannot go on from) ends the process, for its supervisor to restart it.
    while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
      if (!sink.isRunning()) {
        System.err.println("hub sink: stopped by an error: " + sink.failure());
        return EXIT_FAILED;
      }
    }
    return 0;
  }

  private HttpServer metricsServer(PrometheusEndpoint prometheus) throws java.io.IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(metricsPort), 16);
    server.createContext("/metrics", exchange -> {
      byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", PrometheusEndpoint.CONTENT_TYPE);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }

  private String problem() {
    if (!java.util.List.of("influx", "rocksdb", "sqlite").contains(store)) {
      return "--store takes influx, rocksdb or sqlite, not '" + store + "'";
    }
    for (String problem : new String[] {KafkaNames.bootstrapProblem("--kafka-bootstrap", bootstrap),
        KafkaNames.nameProblem("--kafka-topic", topic), KafkaNames.nameProblem("--kafka-group", group)}) {
      if (problem != null) {
        return problem;
      }
    }
    if (retentionDays < 1) {
      return "--retention-days must be at least 1, not " + retentionDays;
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      return "--metrics-port must be between 0 and 65535, not " + metricsPort;
    }
    if (!influxUrl.startsWith("http://") && !influxUrl.startsWith("https://")) {
      return "--influx-url must be an http:// or https:// URL, not '" + influxUrl + "'";
    }
    return null;
  }
}
