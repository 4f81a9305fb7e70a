package org.telemetryhub.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hazelcast configuration a hub joins with: from the flags, or from a file (Kubernetes discovery). */
class HazelcastSetupTest {

  private static final Path KUBERNETES_EXAMPLE = Path.of("..", "deploy", "hazelcast-kubernetes.yaml");

  @Test
  void theFlagsGiveATcpIpJoinToTheMembersWithoutMulticast() {
    Config config = HazelcastSetup.config(new ClusterOptions("127.0.0.1", 5702, List.of("127.0.0.1:5701", "127.0.0.1:5702"), 0,
        Duration.ofSeconds(10), null, "node-2", null));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702"), join.getTcpIpConfig().getMembers());
    assertEquals(5702, config.getNetworkConfig().getPort());
    assertEquals("10", config.getProperty("hazelcast.max.no.heartbeat.seconds"));
  }

  @Test
  void theShippedKubernetesFileTurnsOnKubernetesDiscoveryAndKeepsTheFailureDetection() {
    assertTrue(Files.isReadable(KUBERNETES_EXAMPLE), "deploy/hazelcast-kubernetes.yaml is where the docs say");
    Config config = HazelcastSetup.config(new ClusterOptions("10.1.2.3", 5701, List.of(), 0, Duration.ofSeconds(7),
        KUBERNETES_EXAMPLE, "hub-0", null));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("telemetry-hub-cluster.telemetry.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertEquals(HazelcastSetup.CLUSTER_NAME, config.getClusterName());
    assertEquals("7", config.getProperty("hazelcast.max.no.heartbeat.seconds"));
  }

  @Test
  void aMissingFileIsAClearError() {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> HazelcastSetup.config(
        new ClusterOptions("127.0.0.1", 5701, List.of(), 0, Duration.ofSeconds(7), Path.of("no-such.yaml"), "n", null)));
    assertTrue(e.getMessage().contains("no-such.yaml"), e.getMessage());
  }
}
