package org.telemetryhub.hub.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Hubs run as one cluster, each its own process (the packaged jar, as users run it) on loopback
 * ports: real Hazelcast members joining over TCP, a real event bus between them, and a real
 * InfluxDB they share. Node {@code i} is named {@code node-i}; the nodes talk over mutual TLS, with
 * certificates of one CA made by deploy/cluster-certs.sh.
 */
public final class HubCluster implements AutoCloseable {

  private final Path dir;
  private final InfluxServer influx;
  private final List<String> extraArgs;
  private final int[] httpPorts;
  private final int[] clusterPorts;
  private final HubProcess[] nodes;
  private final ClusterCertificates certificates;

  private HubCluster(Path dir, InfluxServer influx, int size, List<String> extraArgs) throws IOException {
    this.dir = dir;
    try {
      String[] names = new String[size];
      for (int i = 0; i < size; i++) {
        names[i] = name(i);
      }
      this.certificates = ClusterCertificates.make(dir.resolve("cluster-certs"), names);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    this.influx = influx;
    this.extraArgs = extraArgs;
    this.httpPorts = new int[size];
    this.clusterPorts = new int[size];
    this.nodes = new HubProcess[size];
    for (int i = 0; i < size; i++) {
      httpPorts[i] = freePort();
      clusterPorts[i] = freePort();
    }
  }

  /** Starts {@code size} nodes at once and waits until each knows every other's state. */
  public static HubCluster start(Path dir, InfluxServer influx, int size, String... extraArgs) throws IOException {
    HubCluster cluster = new HubCluster(dir, influx, size, List.of(extraArgs));
    try {
      for (int i = 0; i < size; i++) {
        cluster.nodes[i] = cluster.launch(i);
      }
      for (int i = 0; i < size; i++) {
        cluster.nodes[i].port();
      }
      cluster.awaitFormed();
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private HubProcess launch(int i) throws IOException {
    String members = Arrays.stream(clusterPorts).mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    List<String> args = new ArrayList<>(List.of("serve", "--host=127.0.0.1", "--port=" + httpPorts[i],
        "--data-dir=" + dir.resolve("node-" + i), "--token-secret=" + TestHub.SECRET,
        "--store=influx", "--influx-url=" + influx.url(), "--influx-database=cluster",
        "--cluster", "--cluster-host=127.0.0.1", "--cluster-port=" + clusterPorts[i], "--cluster-members=" + members,
        "--node-name=" + name(i)));
    args.addAll(certificates.args(name(i)));
    args.addAll(extraArgs);
    return HubProcess.run(Map.of(), args.toArray(String[]::new));
  }

  /** The certificates the nodes hold: where a test finds the CA to make a stranger's (or a new node's) certificate. */
  public ClusterCertificates certificates() {
    return certificates;
  }

  /** The cluster-manager addresses of the nodes, as --cluster-members takes them. */
  public String members() {
    return Arrays.stream(clusterPorts).mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  /** Starts node {@code i} again (after a kill or a stop) and waits until it and the others know each other. */
  public void restart(int i) throws IOException {
    nodes[i] = launch(i);
    nodes[i].port();
    awaitFormed();
  }

  /** Waits until every running node logged that it knows each other running node's state. */
  public void awaitFormed() {
    for (int i = 0; i < nodes.length; i++) {
      for (int j = 0; j < nodes.length; j++) {
        if (i != j && running(i) && running(j)) {
          HubProcess node = nodes[i];
          String other = name(j);
          Poll.until(name(i) + " knowing " + other + " (log line 'cluster: node " + other + " joined')", Duration.ofSeconds(60),
              () -> joinedAfterLastLeft(node.output(), other));
        }
      }
    }
  }

  /** Whether the last word of {@code name} in the log is that it joined (a node restarted joins again). */
  private static boolean joinedAfterLastLeft(String output, String name) {
    return output.lastIndexOf("cluster: node " + name + " joined") > output.lastIndexOf("cluster: node " + name + " left");
  }

  private boolean running(int i) {
    return nodes[i] != null && nodes[i].isAlive();
  }

  public static String name(int i) {
    return "node-" + i;
  }

  public HubProcess node(int i) {
    return nodes[i];
  }

  public int port(int i) {
    return httpPorts[i];
  }

  public HubApi api(int i) {
    return new HubApi(httpPorts[i]);
  }

  public int size() {
    return nodes.length;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (HubProcess node : nodes) {
      if (node != null) {
        node.close();
      }
    }
  }
}
