package org.telemetryhub.hub.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Every setting of the hub in one place: its name, its default, its documentation and its
 * validation. The same definition serves the command line ({@code --port}), the environment
 * ({@code HUB_PORT}) and the configuration file ({@code port = 8080}); see {@link SettingSources}
 * for the order in which they apply.
 *
 * <p>Instances are filled by picocli; code reads the public accessors.
 */
public final class HubSettings {

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", defaultValue = "8080",
      description = "TCP port for WebSocket and HTTP; 0 picks a free port and logs it. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--data-dir", defaultValue = "./data",
      description = "Directory for the embedded store and the generated token secret. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--auth", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Require signed tokens from devices (on by default). --no-auth turns it off for local experiments and logs a warning.")
  boolean auth;

  @Option(names = "--token-secret",
      description = "HS256 secret that signs and checks tokens (at least 32 characters). Shows in 'ps': prefer "
          + "--token-secret-file or HUB_TOKEN_SECRET. Default: the secrets of --token-secret-file.")
  String tokenSecret;

  @Option(names = "--token-secret-file", paramLabel = "FILE",
      description = "File of token secrets, one per line: the first signs new tokens, every one is accepted (rotation: "
          + "put a new one first, remove the old one when every holder has a new token; 'hub rotate-secret' does the "
          + "first step). Re-read when it changes. Default: <data-dir>/token-secret, generated on first start.")
  Path tokenSecretFile;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Certificate chain (PEM) to serve https:// and wss:// on the port, with --tls-key. Re-read when it "
          + "changes (renewals need no restart). Default: none (plain http:// and ws://).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PEM, unencrypted) of --tls-cert.")
  Path tlsKey;

  @Option(names = "--metrics-auth", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "Make /metrics require an api token (Prometheus sends it as a bearer token). Default: open.")
  boolean metricsAuth;

  @Option(names = "--reload-check-interval", defaultValue = "10s", converter = DurationConverter.class,
      description = "How often the token secret file and the TLS certificate files are checked for changes. "
          + "Default: ${DEFAULT-VALUE}.")
  Duration reloadCheckInterval;

  @Option(names = "--event-loops", defaultValue = "0",
      description = "Event-loop threads serving sockets; 0 means one per core. Default: ${DEFAULT-VALUE}.")
  int eventLoops;

  @Option(names = "--heartbeat-interval", defaultValue = "25s", converter = DurationConverter.class,
      description = "How often the hub pings every connection. Default: ${DEFAULT-VALUE}.")
  Duration heartbeatInterval;

  @Option(names = "--heartbeat-timeout", defaultValue = "30s", converter = DurationConverter.class,
      description = "A connection from which nothing (no pong, no frame) arrived for this long is terminated. Default: ${DEFAULT-VALUE}.")
  Duration heartbeatTimeout;

  @Option(names = "--silent-after", defaultValue = "60s", converter = DurationConverter.class,
      description = "A connected device that sent no packet for this long is 'silent', until the hub has learned the "
          + "device's own sending interval (from its first few packets). Default: ${DEFAULT-VALUE}.")
  Duration silentAfter;

  @Option(names = "--silent-missed-intervals", defaultValue = "3",
      description = "A device is 'silent' after this many of its own sending intervals without a packet (bounded by "
          + "--silent-after-min and --silent-after-max); 0 turns learning off (--silent-after for every device). "
          + "Default: ${DEFAULT-VALUE}.")
  int silentMissedIntervals;

  @Option(names = "--silent-after-min", defaultValue = "3s", converter = DurationConverter.class,
      description = "The shortest quiet time that makes a device with a learned interval 'silent'. Default: ${DEFAULT-VALUE}.")
  Duration silentAfterMin;

  @Option(names = "--silent-after-max", defaultValue = "1h", converter = DurationConverter.class,
      description = "The longest quiet time before a device with a learned interval is 'silent'. Default: ${DEFAULT-VALUE}.")
  Duration silentAfterMax;

  @Option(names = "--max-frame-size", defaultValue = "65536",
      description = "Largest WebSocket frame (and message) accepted from a device, in bytes; larger ones close the "
          + "connection with 1009. Default: ${DEFAULT-VALUE}.")
  int maxFrameSize;

  @Option(names = "--temperature-min", defaultValue = "-100", description = "Lowest valid temperature, degrees Celsius. Default: ${DEFAULT-VALUE}.")
  float temperatureMin;

  @Option(names = "--temperature-max", defaultValue = "200", description = "Highest valid temperature, degrees Celsius. Default: ${DEFAULT-VALUE}.")
  float temperatureMax;

  @Option(names = "--humidity-min", defaultValue = "0", description = "Lowest valid relative humidity, percent. Default: ${DEFAULT-VALUE}.")
  float humidityMin;

  @Option(names = "--humidity-max", defaultValue = "100", description = "Highest valid relative humidity, percent. Default: ${DEFAULT-VALUE}.")
  float humidityMax;

  @Option(names = "--pressure-min", defaultValue = "300", description = "Lowest valid pressure, hectopascal. Default: ${DEFAULT-VALUE}.")
  float pressureMin;

  @Option(names = "--pressure-max", defaultValue = "1100", description = "Highest valid pressure, hectopascal. Default: ${DEFAULT-VALUE}.")
  float pressureMax;

  @Option(names = "--max-clock-skew", defaultValue = "5m", converter = DurationConverter.class,
      description = "Readings stamped further than this in the future are rejected. Default: ${DEFAULT-VALUE}.")
  Duration maxClockSkew;

  @Option(names = "--store", defaultValue = "rocksdb", paramLabel = "rocksdb|sqlite|influx|kafka",
      description = "Storage backend: rocksdb or sqlite (embedded, in the data directory; rocksdb copies the readings of a "
          + "sqlite store it finds there once), influx (InfluxDB 1.x, see --influx-*) or kafka (readings to a Kafka topic "
          + "that 'hub sink' writes into InfluxDB, see --kafka-*; history is read from --influx-url). Default: ${DEFAULT-VALUE}.")
  String store;

  @Option(names = "--kafka-bootstrap", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "With --store kafka: the brokers to start from. Default: ${DEFAULT-VALUE}.")
  String kafkaBootstrap;

  @Option(names = "--kafka-topic", defaultValue = "telemetry.readings",
      description = "With --store kafka: the topic of readings (key: device id; value: its 16-byte packets). Default: ${DEFAULT-VALUE}.")
  String kafkaTopic;

  @Option(names = "--kafka-events-topic", defaultValue = "telemetry.events",
      description = "With --store kafka: the topic of device state changes and alerts (JSON). Default: ${DEFAULT-VALUE}.")
  String kafkaEventsTopic;

  @Option(names = "--store-shards", defaultValue = "0",
      description = "With an embedded store: threads that write readings at once, each for its own devices (with sqlite "
          + "also the files the readings are spread over, fixed when the data directory is first used). 0: one per core. "
          + "Default: ${DEFAULT-VALUE}.")
  int storeShards;

  @Option(names = "--influx-writes-in-flight", defaultValue = "4",
      description = "With --store influx: write requests sent at once, each with the readings of its own devices. "
          + "Default: ${DEFAULT-VALUE}.")
  int influxWritesInFlight;

  @Option(names = "--influx-gzip", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "With --store influx: compress write requests. Pays when InfluxDB is across a slow link; on a fast one "
          + "(loopback, a LAN) it cost a third of the throughput. Default: off.")
  boolean influxGzip;

  @Option(names = "--influx-url", defaultValue = "http://127.0.0.1:8086",
      description = "With --store influx: InfluxDB's HTTP API. Default: ${DEFAULT-VALUE}.")
  String influxUrl;

  @Option(names = "--influx-database", defaultValue = "telemetry",
      description = "With --store influx: the database; used as it is when it exists, created when missing (if the user "
          + "may). Default: ${DEFAULT-VALUE}.")
  String influxDatabase;

  @Option(names = "--influx-retention-policy", defaultValue = "telemetry_hub",
      description = "With --store influx: the retention policy readings, events and meters are written to. Created "
          + "(lasting --retention-days) when missing and allowed; the database's default only when the hub created the "
          + "database itself. Default: ${DEFAULT-VALUE}.")
  String influxRetentionPolicy;

  @Option(names = "--influx-user", description = "With --store influx: user name, if InfluxDB requires one.")
  String influxUser;

  @Option(names = "--influx-password", description = "With --store influx: password, if InfluxDB requires one. Shows in "
      + "'ps': prefer --influx-password-file or HUB_INFLUX_PASSWORD.")
  String influxPassword;

  @Option(names = "--influx-password-file", paramLabel = "FILE",
      description = "With --store influx: file holding the password (its first line).")
  Path influxPasswordFile;

  @Option(names = "--influx-metrics-step", defaultValue = "10s", converter = DurationConverter.class,
      description = "With --store influx: how often the hub's own metrics are pushed to InfluxDB. Default: ${DEFAULT-VALUE}.")
  Duration influxMetricsStep;

  /** The largest storage batch: the batch-size histogram's last bucket, and more than any store gains from. */
  public static final int MAX_BATCH_SIZE = 10_000;

  @Option(names = "--batch-size", defaultValue = "2000",
      description = "Readings per storage batch at most; a write lane that falls behind takes this many at once. "
          + "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--batch-max-age", defaultValue = "10ms", converter = DurationConverter.class,
      description = "Longest a write lane waits for a batch to fill before writing it (a full batch is written at once); "
          + "0 writes as soon as the lane is free, for the lowest latency where cores are spare. Default: ${DEFAULT-VALUE}.")
  Duration batchMaxAge;

  @Option(names = "--store-queue-capacity", defaultValue = "100000",
      description = "Readings waiting for storage before device sockets are paused (backpressure). Default: "
          + "${DEFAULT-VALUE}.")
  int storeQueueCapacity;

  @Option(names = "--max-pending-per-device", defaultValue = "1024",
      description = "Packets one device connection may have waiting for their ack before the hub stops reading it "
          + "(until half are acked): a device sending as fast as it can gets its share of the store, not all of it. "
          + "A larger frame is still taken whole. Default: ${DEFAULT-VALUE}.")
  int maxPendingPerDevice;

  @Option(names = "--retention-days", defaultValue = "30", description = "Readings older than this many days are deleted. Default: ${DEFAULT-VALUE}.")
  int retentionDays;

  @Option(names = "--retention-check-interval", defaultValue = "1h", converter = DurationConverter.class,
      description = "How often old readings are deleted. Default: ${DEFAULT-VALUE}.")
  Duration retentionCheckInterval;

  @Option(names = "--allowed-origins", split = ",", paramLabel = "ORIGIN",
      description = "Origins (scheme://host[:port], comma-separated, or *) whose browser pages may open /ws/subscribe, "
          + "besides the hub's own origin. Default: none.")
  List<String> allowedOrigins = new ArrayList<>();

  @Option(names = "--max-subscribers", defaultValue = "1000",
      description = "Subscriber connections per hub; one more is closed at once with 1008. Default: ${DEFAULT-VALUE}.")
  int maxSubscribers;

  @Option(names = "--max-subscribers-per-token", defaultValue = "10",
      description = "Subscriber connections one token's name (subscriber or api) may hold at once; one more is closed at once "
          + "with 1008. Default: ${DEFAULT-VALUE}.")
  int maxSubscribersPerToken;

  @Option(names = "--max-channels-per-request", defaultValue = "100",
      description = "Channels in one subscribe or unsubscribe request; more is an error reply. Default: ${DEFAULT-VALUE}.")
  int maxChannelsPerRequest;

  @Option(names = "--max-subscriptions", defaultValue = "1000",
      description = "Channel filters one subscriber connection may hold; more is an error reply. Default: ${DEFAULT-VALUE}.")
  int maxSubscriptions;

  @Option(names = "--subscriber-queue", defaultValue = "8192",
      description = "Messages waiting for one subscriber before its policy (conflate, drop-oldest, disconnect) applies; "
          + "room for a whole frame of a device (4096 readings) and then some. Default: ${DEFAULT-VALUE}.")
  int subscriberQueue;

  @Option(names = "--subscriber-queue-bytes", defaultValue = "1048576",
      description = "Bytes of messages waiting for one subscriber before its policy applies, whatever their number. "
          + "Default: ${DEFAULT-VALUE} (1 MiB).")
  long subscriberQueueBytes;

  @Option(names = "--resume-limit", defaultValue = "10000",
      description = "Stored readings one subscribe request with 'since' replays at most; what it cuts off is reported on "
          + "$hub/gap. Default: ${DEFAULT-VALUE}.")
  int resumeLimit;

  @Option(names = "--max-request-size", defaultValue = "65536",
      description = "Largest subscriber request (one text message, fragments included), in bytes; larger ones close the "
          + "connection with 1009. Default: ${DEFAULT-VALUE}.")
  int maxRequestSize;

  @Option(names = "--alert-rules", split = ";", paramLabel = "RULE",
      description = "Threshold rules, separated by ';', each like 'overheat: temperature > 30 for 10s resolve < 29 devices dev-*' "
          + "(for, resolve and devices are optional). Default: none.")
  List<String> alertRules = new ArrayList<>();

  @Option(names = "--max-connections", defaultValue = "0",
      description = "TCP connections the hub holds at most (devices, subscribers, HTTP clients); one more is answered "
          + "503 and closed at once. 0: nine tenths of the process's open-file limit. Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  @Option(names = "--max-connections-per-address", defaultValue = "0",
      description = "TCP connections one source address may hold; one more is answered 503 and closed at once. "
          + "Raise it for fleets behind one NAT address. 0: a quarter of --max-connections. Default: ${DEFAULT-VALUE}.")
  int maxConnectionsPerAddress;

  @Option(names = "--handshake-rate-per-address", defaultValue = "100",
      description = "WebSocket upgrades per second one source address may make on average, in bursts of up to ten "
          + "times as many; more are answered 429 with Retry-After. Default: ${DEFAULT-VALUE}.")
  int handshakeRatePerAddress;

  @Option(names = "--header-timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "Time a new connection has to send its first request's headers. Default: ${DEFAULT-VALUE}.")
  Duration headerTimeout;

  @Option(names = "--upgrade-timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "Time from a WebSocket upgrade request's headers to the open WebSocket. Default: ${DEFAULT-VALUE}.")
  Duration upgradeTimeout;

  @Option(names = "--idle-timeout", defaultValue = "60s", converter = DurationConverter.class,
      description = "Time an HTTP keep-alive connection may wait for its next request, from the end of the last answer "
          + "(a request being answered, or an answer still being read, is not idle). WebSockets are kept by their heartbeat "
          + "instead. Default: ${DEFAULT-VALUE}.")
  Duration idleTimeout;

  @Option(names = "--shutdown-timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long a graceful stop may take to flush and close, all steps together; what is not done by then "
          + "is left behind (devices resend what was not acked). Default: ${DEFAULT-VALUE}.")
  Duration shutdownTimeout;

  @Option(names = "--cluster", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "Run as one node of a cluster of hubs (Hazelcast, embedded): every node answers for every device, "
          + "subscribers on any node get every node's messages. Needs --store influx. Default: one hub on its own.")
  boolean cluster;

  @Option(names = "--cluster-host", defaultValue = "127.0.0.1",
      description = "With --cluster: the address of this node that the other nodes reach (the cluster manager and the "
          + "event bus listen on it). Default: ${DEFAULT-VALUE}.")
  String clusterHost;

  @Option(names = "--cluster-port", defaultValue = "5701",
      description = "With --cluster: the cluster manager's TCP port on --cluster-host. Default: ${DEFAULT-VALUE}.")
  int clusterPort;

  @Option(names = "--cluster-members", split = ",", paramLabel = "HOST:PORT",
      description = "With --cluster: cluster-manager addresses of the nodes to join (comma-separated; this node's own "
          + "may be among them). TCP-IP join; no multicast. Default: none (this node starts a cluster of its own).")
  List<String> clusterMembers = new ArrayList<>();

  @Option(names = "--cluster-bus-port", defaultValue = "0",
      description = "With --cluster: the event bus's TCP port on --cluster-host, over which nodes send each other "
          + "messages; 0 picks a free port. Default: ${DEFAULT-VALUE}.")
  int clusterBusPort;

  @Option(names = "--cluster-failure-detection", defaultValue = "10s", converter = DurationConverter.class,
      description = "With --cluster: a node not heard from for this long is removed from the cluster, and its devices "
          + "go offline with reason 'node lost' on the others. Default: ${DEFAULT-VALUE}.")
  Duration clusterFailureDetection;

  @Option(names = "--cluster-config", paramLabel = "FILE",
      description = "With --cluster: a Hazelcast configuration file (XML or YAML) used instead of --cluster-host, "
          + "--cluster-port and --cluster-members, for other discovery (Kubernetes, for one). Default: none.")
  Path clusterConfig;

  @Option(names = "--cluster-tls-cert", paramLabel = "FILE",
      description = "With --cluster: this node's certificate (PEM), signed by --cluster-tls-ca. Nodes talk over mutual "
          + "TLS: a node without a certificate of the cluster's CA can neither read nor send anything. Default: none.")
  Path clusterTlsCert;

  @Option(names = "--cluster-tls-key", paramLabel = "FILE",
      description = "With --cluster: the private key (PEM) of --cluster-tls-cert. Default: none.")
  Path clusterTlsKey;

  @Option(names = "--cluster-tls-ca", paramLabel = "FILE",
      description = "With --cluster: the certificate (PEM) of the CA that signs every node's certificate; only nodes with "
          + "one are members. Default: none.")
  Path clusterTlsCa;

  @Option(names = "--cluster-insecure", negatable = true, defaultValue = "false", fallbackValue = "true",
      description = "With --cluster: let the nodes talk without TLS, trusting whoever reaches the cluster's ports (any "
          + "host there can read every reading and act as a node). Only on a network that nothing but the hubs reaches. "
          + "Default: ${DEFAULT-VALUE}.")
  boolean clusterInsecure;

  @Option(names = "--node-name",
      description = "This hub's name, shown as the node holding a device's connection. Default: <cluster-host>:"
          + "<cluster-port> with --cluster, else the host name.")
  String nodeName;

  public String host() { return host; }
  public int port() { return port; }
  public Path dataDir() { return dataDir; }
  public boolean authEnabled() { return auth; }
  public String tokenSecret() { return tokenSecret; }
  public Path tokenSecretFile() { return tokenSecretFile; }
  public boolean metricsAuth() { return metricsAuth; }
  public boolean tlsEnabled() { return tlsCert != null; }
  public Path tlsCert() { return tlsCert; }
  public Path tlsKey() { return tlsKey; }
  public Duration reloadCheckInterval() { return reloadCheckInterval; }
  /** --event-loops as given: 0 means one per core. */
  public int eventLoops() { return eventLoops; }
  public Duration heartbeatInterval() { return heartbeatInterval; }
  public Duration heartbeatTimeout() { return heartbeatTimeout; }
  public Duration silentAfter() { return silentAfter; }
  public int silentMissedIntervals() { return silentMissedIntervals; }
  public Duration silentAfterMin() { return silentAfterMin; }
  public Duration silentAfterMax() { return silentAfterMax; }
  public int maxFrameSize() { return maxFrameSize; }
  public int maxRequestSize() { return maxRequestSize; }
  public float temperatureMin() { return temperatureMin; }
  public float temperatureMax() { return temperatureMax; }
  public float humidityMin() { return humidityMin; }
  public float humidityMax() { return humidityMax; }
  public float pressureMin() { return pressureMin; }
  public float pressureMax() { return pressureMax; }
  public Duration maxClockSkew() { return maxClockSkew; }

  public String store() { return store; }
  public boolean influxStore() { return "influx".equals(store); }
  /** Whether the store is shared by every node of a cluster (InfluxDB, or Kafka into InfluxDB). */
  public boolean sharedStore() { return "influx".equals(store) || "kafka".equals(store); }
  public String kafkaBootstrap() { return kafkaBootstrap; }
  public String kafkaTopic() { return kafkaTopic; }
  public String kafkaEventsTopic() { return kafkaEventsTopic; }
  /** --store-shards as given: 0 means one per core. */
  public int storeShards() { return storeShards; }
  public int influxWritesInFlight() { return influxWritesInFlight; }
  public String influxRetentionPolicy() { return influxRetentionPolicy; }
  public boolean influxGzip() { return influxGzip; }
  public String influxUrl() { return influxUrl; }
  public String influxDatabase() { return influxDatabase; }
  public String influxUser() { return influxUser; }
  /** --influx-password, or the first line of --influx-password-file (read when called). */
  public String influxPassword() {
    if (influxPasswordFile == null) {
      return influxPassword;
    }
    try {
      return Files.readAllLines(influxPasswordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read influx-password-file " + influxPasswordFile + ": " + e.getMessage(), e);
    }
  }
  public Duration influxMetricsStep() { return influxMetricsStep; }
  public int batchSize() { return batchSize; }
  public Duration batchMaxAge() { return batchMaxAge; }
  public int resumeLimit() { return resumeLimit; }
  public int storeQueueCapacity() { return storeQueueCapacity; }
  public int maxPendingPerDevice() { return maxPendingPerDevice; }
  public int retentionDays() { return retentionDays; }
  public Duration retentionCheckInterval() { return retentionCheckInterval; }
  public Duration shutdownTimeout() { return shutdownTimeout; }
  public Duration headerTimeout() { return headerTimeout; }
  public Duration upgradeTimeout() { return upgradeTimeout; }
  public Duration idleTimeout() { return idleTimeout; }
  public int handshakeRatePerAddress() { return handshakeRatePerAddress; }
  public boolean cluster() { return cluster; }
  public String clusterHost() { return clusterHost; }
  public int clusterPort() { return clusterPort; }
  public List<String> clusterMembers() { return clusterMembers; }
  public int clusterBusPort() { return clusterBusPort; }
  public Duration clusterFailureDetection() { return clusterFailureDetection; }
  public Path clusterConfig() { return clusterConfig; }
  public Path clusterTlsCert() { return clusterTlsCert; }
  public Path clusterTlsKey() { return clusterTlsKey; }
  public Path clusterTlsCa() { return clusterTlsCa; }
  public boolean clusterInsecure() { return clusterInsecure; }

  /**
   * --node-name, or what names this hub by default: its cluster address in a cluster, else the
   * machine's host name. Worked out once: the name must not change while the hub runs.
   */
  public String nodeName() {
    if (nodeName == null || nodeName.isBlank()) {
      nodeName = cluster ? clusterHost + ":" + clusterPort : HostName.ofThisMachine();
    }
    return nodeName;
  }

  /** --max-connections as given: 0 means automatic (from the open-file limit). */
  public int maxConnections() { return maxConnections; }
  /** --max-connections-per-address as given: 0 means automatic. */
  public int maxConnectionsPerAddress() { return maxConnectionsPerAddress; }
  public List<String> allowedOrigins() { return allowedOrigins; }
  public int maxSubscribers() { return maxSubscribers; }

  public int maxSubscribersPerToken() { return maxSubscribersPerToken; }
  public int maxChannelsPerRequest() { return maxChannelsPerRequest; }
  public int maxSubscriptions() { return maxSubscriptions; }
  public int subscriberQueue() { return subscriberQueue; }
  public long subscriberQueueBytes() { return subscriberQueueBytes; }
  /** The alert rules as written, blank ones left out; the composition root parses them. */
  public List<String> alertRuleTexts() {
    return alertRules.stream().filter(rule -> !rule.isBlank()).toList();
  }

  /**
   * Every problem with these settings that they show on their own, one sentence each; empty when
   * they are usable. (Alert rules are checked where they are parsed, in the composition root.)
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (port < 0 || port > 65535) {
      problems.add("port must be between 0 and 65535, not " + port);
    }
    if (eventLoops < 0) {
      problems.add("event-loops must be 0 (one per core) or more, not " + eventLoops);
    }
    requirePositive(problems, "heartbeat-interval", heartbeatInterval);
    requirePositive(problems, "heartbeat-timeout", heartbeatTimeout);
    requirePositive(problems, "silent-after", silentAfter);
    requirePositive(problems, "silent-after-min", silentAfterMin);
    requirePositive(problems, "silent-after-max", silentAfterMax);
    if (silentMissedIntervals < 0 || silentMissedIntervals > 1000) {
      problems.add("silent-missed-intervals must be from 0 to 1000, not " + silentMissedIntervals);
    }
    if (silentAfterMin != null && silentAfterMax != null && silentAfterMin.compareTo(silentAfterMax) > 0) {
      problems.add("silent-after-min (" + DurationConverter.format(silentAfterMin) + ") must not be longer than silent-after-max ("
          + DurationConverter.format(silentAfterMax) + ")");
    }
    if (storeShards < 0 || storeShards > 64) {
      problems.add("store-shards must be between 0 (one per core) and 64, not " + storeShards);
    }
    if (influxRetentionPolicy == null || !influxRetentionPolicy.matches("[A-Za-z0-9_.-]{1,64}")) {
      problems.add("influx-retention-policy takes 1 to 64 letters, digits, '_', '.' or '-', not '" + influxRetentionPolicy + "'");
    }
    if (influxWritesInFlight < 1 || influxWritesInFlight > 64) {
      problems.add("influx-writes-in-flight must be between 1 and 64, not " + influxWritesInFlight);
    }
    if (batchMaxAge == null || batchMaxAge.isNegative()) {
      problems.add("batch-max-age must be 0 or a positive duration such as 5ms");
    }
    requirePositive(problems, "retention-check-interval", retentionCheckInterval);
    requirePositive(problems, "shutdown-timeout", shutdownTimeout);
    if (maxClockSkew.isNegative()) {
      problems.add("max-clock-skew must not be negative");
    }
    if (heartbeatTimeout != null && heartbeatInterval != null && heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
      problems.add("heartbeat-timeout (" + DurationConverter.format(heartbeatTimeout) + ") must be longer than heartbeat-interval ("
          + DurationConverter.format(heartbeatInterval) + ")");
    }
    if (maxFrameSize < 16 || maxFrameSize > 16 * 1024 * 1024) {
      problems.add("max-frame-size must be between 16 bytes and 16 MiB, not " + maxFrameSize);
    }
    requireOrdered(problems, "temperature", temperatureMin, temperatureMax);
    requireOrdered(problems, "humidity", humidityMin, humidityMax);
    requireOrdered(problems, "pressure", pressureMin, pressureMax);
    if (!List.of("rocksdb", "sqlite", "influx", "kafka").contains(store)) {
      problems.add("store must be one of: rocksdb, sqlite, influx, kafka; not '" + store + "'");
    }
    for (String problem : new String[] {KafkaNames.bootstrapProblem("kafka-bootstrap", kafkaBootstrap),
        KafkaNames.nameProblem("kafka-topic", kafkaTopic), KafkaNames.nameProblem("kafka-events-topic", kafkaEventsTopic)}) {
      if (problem != null) {
        problems.add(problem);
      }
    }
    if (influxUrl == null || !(influxUrl.startsWith("http://") || influxUrl.startsWith("https://"))) {
      problems.add("influx-url must be an http:// or https:// URL, not '" + influxUrl + "'");
    }
    if (influxDatabase == null || !influxDatabase.matches("[A-Za-z0-9_-]+")) {
      problems.add("influx-database must be letters, digits, '_' or '-', not '" + influxDatabase + "'");
    }
    requirePositive(problems, "influx-metrics-step", influxMetricsStep);
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      problems.add("batch-size must be from 1 to " + MAX_BATCH_SIZE + ", not " + batchSize);
    }
    if (storeQueueCapacity < batchSize) {
      problems.add("store-queue-capacity (" + storeQueueCapacity + ") must be at least batch-size (" + batchSize + ")");
    }
    if (maxConnections < 0 || maxConnectionsPerAddress < 0) {
      problems.add("max-connections and max-connections-per-address must be 0 (automatic) or more");
    }
    if (handshakeRatePerAddress < 1) {
      problems.add("handshake-rate-per-address must be at least 1, not " + handshakeRatePerAddress);
    }
    requirePositive(problems, "header-timeout", headerTimeout);
    requirePositive(problems, "upgrade-timeout", upgradeTimeout);
    requirePositive(problems, "idle-timeout", idleTimeout);
    if (maxPendingPerDevice < 2) {
      problems.add("max-pending-per-device must be at least 2, not " + maxPendingPerDevice);
    }
    if (retentionDays < 1) {
      problems.add("retention-days must be at least 1, not " + retentionDays);
    }
    if (maxSubscribers < 1 || maxSubscribersPerToken < 1 || maxChannelsPerRequest < 1 || maxSubscriptions < 1
        || subscriberQueue < 1) {
      problems.add("max-subscribers, max-subscribers-per-token, max-channels-per-request, max-subscriptions and "
          + "subscriber-queue must be at least 1");
    }
    if (subscriberQueueBytes < 1024) {
      problems.add("subscriber-queue-bytes must be at least 1024, not " + subscriberQueueBytes);
    }
    if (resumeLimit < 1 || resumeLimit > 1_000_000) {
      problems.add("resume-limit must be from 1 to 1000000, not " + resumeLimit);
    }
    if (maxRequestSize < 256 || maxRequestSize > 16 * 1024 * 1024) {
      problems.add("max-request-size must be between 256 bytes and 16 MiB, not " + maxRequestSize);
    }
    if (tokenSecret != null && TokenSecretRule.problemWith("token-secret", tokenSecret) != null) {
      problems.add(TokenSecretRule.problemWith("token-secret", tokenSecret));
    }
    if (tokenSecret != null && tokenSecretFile != null) {
      problems.add("give token-secret or token-secret-file, not both");
    }
    if (tokenSecretFile != null && !Files.isReadable(tokenSecretFile)) {
      problems.add("token-secret-file " + tokenSecretFile + " cannot be read");
    }
    if (influxPassword != null && influxPasswordFile != null) {
      problems.add("give influx-password or influx-password-file, not both");
    }
    if (influxPasswordFile != null && !Files.isReadable(influxPasswordFile)) {
      problems.add("influx-password-file " + influxPasswordFile + " cannot be read");
    }
    requirePositive(problems, "reload-check-interval", reloadCheckInterval);
    if ((tlsCert == null) != (tlsKey == null)) {
      problems.add("tls-cert and tls-key go together: give both or neither");
    }
    for (Path file : new Path[] {tlsCert, tlsKey}) {
      if (file != null && !Files.isReadable(file)) {
        problems.add("TLS file " + file + " cannot be read");
      }
    }
    clusterProblems(problems);
    return problems;
  }

  private void clusterProblems(List<String> problems) {
    if (!cluster) {
      return;
    }
    if (!sharedStore()) {
      problems.add("--cluster keeps readings in a store every node shares, and the embedded store (--store " + store
          + ") belongs to one process: use --store influx with --influx-url pointing at the InfluxDB all nodes write to, "
          + "or --store kafka");
    }
    if (clusterPort < 1 || clusterPort > 65535) {
      problems.add("cluster-port must be between 1 and 65535, not " + clusterPort);
    }
    boolean anyTls = clusterTlsCert != null || clusterTlsKey != null || clusterTlsCa != null;
    if (clusterInsecure && anyTls) {
      problems.add("--cluster-insecure turns off the cluster's TLS: give it or --cluster-tls-cert/-key/-ca, not both");
    } else if (!clusterInsecure && (clusterTlsCert == null || clusterTlsKey == null || clusterTlsCa == null)) {
      problems.add("--cluster needs --cluster-tls-cert, --cluster-tls-key and --cluster-tls-ca: the nodes authenticate each "
          + "other with certificates of one CA (deploy/cluster-certs.sh makes them), or --cluster-insecure on a network "
          + "nothing but the hubs reaches");
    } else if (!clusterInsecure) {
      for (Path file : List.of(clusterTlsCert, clusterTlsKey, clusterTlsCa)) {
        if (!java.nio.file.Files.isReadable(file)) {
          problems.add("no such file (or not readable): " + file);
        }
      }
    }
    if (clusterBusPort < 0 || clusterBusPort > 65535) {
      problems.add("cluster-bus-port must be between 0 and 65535, not " + clusterBusPort);
    }
    for (String member : clusterMembers) {
      if (!member.isBlank() && !member.strip().matches("[^:\\s]+(:\\d{1,5})?")) {
        problems.add("cluster-members takes host:port addresses, not '" + member + "'");
      }
    }
    if (clusterFailureDetection == null || clusterFailureDetection.toSeconds() < 2) {
      problems.add("cluster-failure-detection must be at least 2s");
    }
    if (clusterConfig != null && !Files.isReadable(clusterConfig)) {
      problems.add("cluster-config " + clusterConfig + " cannot be read");
    }
  }

  private static void requirePositive(List<String> problems, String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      problems.add(name + " must be a positive duration such as 500ms, 30s or 5m");
    }
  }

  private static void requireOrdered(List<String> problems, String name, float min, float max) {
    if (!(min < max)) {
      problems.add(name + "-min (" + min + ") must be below " + name + "-max (" + max + ")");
    }
  }
}
