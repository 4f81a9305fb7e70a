package org.telemetryhub.hub.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The Hazelcast configuration of a hub's cluster member: TCP-IP join to the given members on the
 * given address, no multicast, failures detected within the configured time. A configuration
 * file replaces the network part (for other discovery, Kubernetes for one); the failure detection
 * applies to both.
 */
final class HazelcastSetup {

  static final String CLUSTER_NAME = "telemetry-hub";

  private HazelcastSetup() {
  }

  static HazelcastClusterManager clusterManager(ClusterOptions options) {
    return new HazelcastClusterManager(config(options));
  }

  /** The IP address of a host name (a container's service name, say); Hazelcast binds to addresses, not names. */
  private static String addressOf(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cluster-host '" + host + "' does not resolve to an address", e);
    }
  }

  static Config config(ClusterOptions options) {
    Config config;
    if (options.configFile() != null) {
      try {
        config = Config.loadFromFile(options.configFile().toFile());
      } catch (FileNotFoundException e) {
        throw new UncheckedIOException("cluster-config " + options.configFile() + " cannot be read", e);
      }
    } else {
      config = ConfigUtil.loadConfig(); // Vert.x's defaults: the maps its event bus keeps in Hazelcast
      config.setClusterName(CLUSTER_NAME);
      NetworkConfig network = config.getNetworkConfig();
      network.setPort(options.port()).setPortAutoIncrement(false);
      String address = addressOf(options.host());
      network.setPublicAddress(address + ":" + options.port());
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      TcpIpConfig tcpIp = join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
      if (options.members().isEmpty()) {
        tcpIp.addMember(options.host() + ":" + options.port());
      }
      options.members().forEach(member -> tcpIp.addMember(member.strip()));
      // Listen on the cluster address only, not on every interface.
      config.setProperty("hazelcast.socket.bind.any", "false");
      config.setProperty("hazelcast.local.localAddress", address);
    }
    // The event bus keeps one set of registrations per address (Vert.x requires SET).
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    long failureSeconds = Math.max(2, options.failureDetection().toSeconds());
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(failureSeconds));
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    return config;
  }
}
