package org.telemetryhub.hub.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HubSettingsTest {

  private static HubSettings parse(Map<String, String> env, Properties file, String... args) {
    HubSettings settings = new HubSettings();
    CommandLine commandLine = new CommandLine(settings);
    commandLine.setDefaultValueProvider(new SettingSources(env, file));
    commandLine.parseArgs(args);
    return settings;
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    HubSettings settings = parse(Map.of(), new Properties());
    assertEquals(8080, settings.port());
    assertEquals(Path.of("./data"), settings.dataDir());
    assertTrue(settings.authEnabled());
    assertEquals(Duration.ofSeconds(25), settings.heartbeatInterval());
    assertEquals(Duration.ofSeconds(30), settings.heartbeatTimeout());
    assertEquals(Duration.ofSeconds(60), settings.silentAfter());
    assertEquals(65536, settings.maxFrameSize());
    assertEquals(30, settings.retentionDays());
    assertEquals(List.of(), settings.problems());
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheFile() {
    Properties file = new Properties();
    file.setProperty("port", "1111");
    file.setProperty("retention-days", "7");
    file.setProperty("silent-after", "2m");
    Map<String, String> env = Map.of("HUB_PORT", "2222", "HUB_SILENT_AFTER", "90s", "HUB_AUTH", "false");

    HubSettings settings = parse(env, file, "--port=3333");

    assertEquals(3333, settings.port());
    assertEquals(Duration.ofSeconds(90), settings.silentAfter());
    assertEquals(7, settings.retentionDays());
    assertEquals(false, settings.authEnabled());
  }

  @Test
  void clusterSettingsComeFromFlagsEnvironmentAndFileAlike() {
    Properties file = new Properties();
    file.setProperty("cluster-failure-detection", "7s");
    Map<String, String> env = Map.of("HUB_CLUSTER", "true", "HUB_CLUSTER_HOST", "10.0.0.2",
        "HUB_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2:5701,10.0.0.3:5701", "HUB_STORE", "influx",
        "HUB_CLUSTER_INSECURE", "true");

    HubSettings settings = parse(env, file, "--cluster-port", "5801");

    assertTrue(settings.cluster());
    assertEquals("10.0.0.2", settings.clusterHost());
    assertEquals(5801, settings.clusterPort());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701"), settings.clusterMembers());
    assertEquals(Duration.ofSeconds(7), settings.clusterFailureDetection());
    assertEquals("10.0.0.2:5801", settings.nodeName(), "a node is named by its cluster address unless --node-name says otherwise");
    assertEquals(List.of(), settings.problems());
  }

  /**
   * Verifies that a hub outside a cluster is named after the machine as the kernel names it (no
   * resolver lookup, which can block), worked out once and the same at every call.
   */
  @Test
  void theDefaultNodeNameIsTheKernelsHostNameWorkedOutOnce() throws Exception {
    HubSettings settings = parse(Map.of(), new Properties());
    String name = settings.nodeName();
    assertEquals(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip(), name);
    org.junit.jupiter.api.Assertions.assertSame(name, settings.nodeName());
  }

  @Test
  void aClusterNeedsTheSharedStore() {
    List<String> problems = parse(Map.of(), new Properties(), "--cluster", "--cluster-insecure").problems();

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("--store influx"), problems.get(0));
  }

  @Test
  void clusterMembersMustBeHostAndPort() {
    List<String> problems = parse(Map.of(), new Properties(), "--cluster", "--store=influx", "--cluster-insecure",
        "--cluster-members", "10.0.0.1:5701,not an address").problems();

    assertEquals(List.of("cluster-members takes host:port addresses, not 'not an address'"), problems);
  }

  /** Verifies that a cluster needs its nodes' certificates, or an explicit --cluster-insecure, and not both. */
  @Test
  void aClusterNeedsItsCertificatesOrToSayItIsInsecure() {
    List<String> none = parse(Map.of(), new Properties(), "--cluster", "--store=influx").problems();
    assertEquals(1, none.size(), none.toString());
    assertTrue(none.get(0).startsWith("--cluster needs --cluster-tls-cert, --cluster-tls-key and --cluster-tls-ca"), none.get(0));
    List<String> missing = parse(Map.of(), new Properties(), "--cluster", "--store=influx", "--cluster-tls-cert=/no/node.crt",
        "--cluster-tls-key=/no/node.key", "--cluster-tls-ca=/no/ca.crt").problems();
    assertEquals(List.of("no such file (or not readable): /no/node.crt", "no such file (or not readable): /no/node.key",
        "no such file (or not readable): /no/ca.crt"), missing);
    List<String> both = parse(Map.of(), new Properties(), "--cluster", "--store=influx", "--cluster-insecure",
        "--cluster-tls-ca=/no/ca.crt").problems();
    assertEquals(1, both.size(), both.toString());
    assertTrue(both.get(0).startsWith("--cluster-insecure turns off the cluster's TLS"), both.get(0));
  }

  @Test
  void noAuthFlagTurnsAuthOff() {
    assertEquals(false, parse(Map.of(), new Properties(), "--no-auth").authEnabled());
  }

  @Test
  void everyProblemIsNamed() {
    HubSettings settings = parse(Map.of(), new Properties(), "--port=-1", "--heartbeat-interval=40s",
        "--temperature-min=50", "--temperature-max=10", "--store=mongo", "--batch-size=0", "--token-secret=short",
        "--retention-days=0", "--max-frame-size=8", "--kafka-bootstrap=broker-1", "--kafka-topic=readings/all");
    List<String> problems = settings.problems();
    assertTrue(problems.contains("port must be between 0 and 65535, not -1"), problems.toString());
    assertTrue(problems.contains("heartbeat-timeout (30s) must be longer than heartbeat-interval (40s)"));
    assertTrue(problems.contains("temperature-min (50.0) must be below temperature-max (10.0)"));
    assertTrue(problems.contains("store must be one of: rocksdb, sqlite, influx, kafka; not 'mongo'"));
    assertTrue(problems.contains("kafka-bootstrap takes host:port[,host:port...], not 'broker-1'"), problems.toString());
    assertTrue(problems.contains("kafka-topic takes 1 to 249 letters, digits, '.', '_' or '-', not 'readings/all'"));
    assertTrue(problems.contains("batch-size must be from 1 to 10000, not 0"));
    assertTrue(problems.contains("token-secret must be at least 32 characters long"));
    assertTrue(problems.contains("retention-days must be at least 1, not 0"));
    assertTrue(problems.contains("max-frame-size must be between 16 bytes and 16 MiB, not 8"));
  }

  @Test
  void durationsReadAsPeopleWriteThem() {
    assertEquals(Duration.ofMillis(250), DurationConverter.parse("250ms"));
    assertEquals(Duration.ofSeconds(30), DurationConverter.parse("30s"));
    assertEquals(Duration.ofMinutes(5), DurationConverter.parse("5m"));
    assertEquals(Duration.ofHours(2), DurationConverter.parse("2h"));
    assertEquals(Duration.ofDays(30), DurationConverter.parse("30d"));
    assertEquals(Duration.ofSeconds(45), DurationConverter.parse("PT45S"));
    assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse("soon"));
    assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse("5 minutes"));
  }

  @Test
  void environmentNamesFollowTheLongOption() {
    assertEquals("HUB_HEARTBEAT_TIMEOUT", SettingSources.environmentName("heartbeat-timeout"));
    assertEquals("HUB_PORT", SettingSources.environmentName("port"));
  }

  /** Verifies that secrets can come from files, so that they never show on a command line, and that a clash is a problem. */
  @Test
  void secretsComeFromFiles(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path password = dir.resolve("influx-password");
    java.nio.file.Files.writeString(password, "s3cret\nsecond line is ignored\n");
    HubSettings settings = parse(Map.of(), new Properties(), "--influx-password-file=" + password);
    assertEquals("s3cret", settings.influxPassword());
    assertEquals(List.of(), settings.problems());
    HubSettings both = parse(Map.of(), new Properties(), "--influx-password-file=" + password, "--influx-password=x",
        "--token-secret=" + "s".repeat(32), "--token-secret-file=" + password);
    assertTrue(both.problems().contains("give influx-password or influx-password-file, not both"), both.problems().toString());
    assertTrue(both.problems().contains("give token-secret or token-secret-file, not both"), both.problems().toString());
    HubSettings missing = parse(Map.of(), new Properties(), "--token-secret-file=" + dir.resolve("nope"));
    assertTrue(missing.problems().contains("token-secret-file " + dir.resolve("nope") + " cannot be read"));
  }

  /** Verifies that 0 connection limits are passed on as "automatic", and set ones as they are. */
  @Test
  void connectionLimitsAreTakenAsGiven() {
    HubSettings automatic = parse(Map.of(), new Properties());
    assertEquals(0, automatic.maxConnections());
    assertEquals(0, automatic.maxConnectionsPerAddress());
    HubSettings set = parse(Map.of(), new Properties(), "--max-connections=100", "--max-connections-per-address=7");
    assertEquals(100, set.maxConnections());
    assertEquals(7, set.maxConnectionsPerAddress());
  }
}
