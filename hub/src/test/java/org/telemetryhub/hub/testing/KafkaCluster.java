package org.telemetryhub.hub.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Real Kafka brokers in KRaft mode (each a broker and a controller), run as processes from the
 * Kafka jars on the test class path, on free loopback ports with their logs in a temporary
 * directory: {@code kafka.tools.StorageTool format}, then {@code kafka.Kafka server.properties}.
 * With three or more brokers, topics are replicated three times and need two in sync, as in
 * production.
 */
public final class KafkaCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final String clusterId = Uuid.randomUuid().toString();
  private final int[] brokerPorts;
  private final int[] controllerPorts;
  private final Process[] processes;

  private KafkaCluster(Path dir, int brokers) throws IOException {
    this.dir = dir;
    this.brokerPorts = new int[brokers];
    this.controllerPorts = new int[brokers];
    this.processes = new Process[brokers];
    for (int i = 0; i < brokers; i++) {
      brokerPorts[i] = freePort();
      controllerPorts[i] = freePort();
    }
  }

  /** Formats and starts {@code brokers} brokers, and waits until every one is in the cluster. */
  public static KafkaCluster start(Path dir, int brokers) throws Exception {
    KafkaCluster cluster = new KafkaCluster(dir, brokers);
    try {
      for (int i = 0; i < brokers; i++) {
        cluster.format(i);
      }
      for (int i = 0; i < brokers; i++) {
        cluster.startBroker(i);
      }
      cluster.awaitBrokers(brokers);
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** The bootstrap servers, as clients and the hub's --kafka-bootstrap take them. */
  public String bootstrap() {
    return IntStream.of(brokerPorts).mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  public Admin admin() {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    return Admin.create(properties);
  }

  /** Kills broker {@code index} at once (SIGKILL): no controlled shutdown. */
  public void kill(int index) throws InterruptedException {
    processes[index].destroyForcibly();
    processes[index].waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts broker {@code index} again on its ports and data, after {@link #kill} or {@link #stop}. */
  public void restart(int index) throws IOException {
    startBroker(index);
  }

  /** Stops broker {@code index} gracefully (SIGTERM) and waits for it to exit. */
  public void stop(int index) throws InterruptedException {
    processes[index].destroy();
    if (!processes[index].waitFor(60, TimeUnit.SECONDS)) {
      processes[index].destroyForcibly();
    }
  }

  /** The last lines of broker {@code index}'s output, for a failure's message. */
  public String log(int index) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("broker-" + index + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void format(int index) throws Exception {
    Path config = writeConfig(index);
    Process format = java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString())
        .redirectOutput(dir.resolve("format-" + index + ".log").toFile()).start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new AssertionError("kafka.tools.StorageTool format failed for broker " + index + ":\n"
          + Files.readString(dir.resolve("format-" + index + ".log")));
    }
  }

  private void startBroker(int index) throws IOException {
    processes[index] = java("kafka.Kafka", dir.resolve("broker-" + index + ".properties").toString())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker-" + index + ".log").toFile())).start();
  }

  private void awaitBrokers(int count) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Exception last = null;
    try (Admin admin = admin()) {
      while (System.nanoTime() < deadline) {
        for (int i = 0; i < processes.length; i++) {
          if (!processes[i].isAlive()) {
            throw new AssertionError("Kafka broker " + i + " exited with " + processes[i].exitValue() + ":\n" + log(i));
          }
        }
        try {
          if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == count) {
            return;
          }
        } catch (Exception e) {
          last = e;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("Kafka brokers not all up within " + START_TIMEOUT.toSeconds() + " s (" + last + "):\n" + log(0));
  }

  private Path writeConfig(int index) throws IOException {
    int brokers = brokerPorts.length;
    int replication = Math.min(3, brokers);
    String voters = IntStream.range(0, brokers).mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i])
        .collect(Collectors.joining(","));
    List<String> lines = new ArrayList<>(List.of(
        "process.roles=broker,controller",
        "node.id=" + (index + 1),
        "controller.quorum.voters=" + voters,
        "listeners=PLAINTEXT://127.0.0.1:" + brokerPorts[index] + ",CONTROLLER://127.0.0.1:" + controllerPorts[index],
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPorts[index],
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dir.resolve("data-" + index),
        "num.partitions=4",
        "default.replication.factor=" + replication,
        "min.insync.replicas=" + (replication >= 3 ? 2 : 1),
        "offsets.topic.replication.factor=" + replication,
        "transaction.state.log.replication.factor=" + replication,
        "transaction.state.log.min.isr=" + (replication >= 3 ? 2 : 1),
        "group.initial.rebalance.delay.ms=0",
        "unclean.leader.election.enable=false"));
    Path config = dir.resolve("broker-" + index + ".properties");
    Files.createDirectories(dir);
    Files.write(config, lines);
    return config;
  }

  private static ProcessBuilder java(String mainClass, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Process process : processes) {
      if (process != null) {
        process.destroyForcibly();
      }
    }
    for (Process process : processes) {
      if (process != null) {
        try {
          process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
