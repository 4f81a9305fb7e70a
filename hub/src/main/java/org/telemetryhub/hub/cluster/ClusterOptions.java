package org.telemetryhub.hub.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How this hub joins its cluster.
 *
 * @param host             the address the other nodes reach this one at (cluster manager and event bus)
 * @param port             the cluster manager's port
 * @param members          cluster-manager addresses (host:port) to join; empty: start a cluster of one
 * @param busPort          the event bus's port; 0 picks a free one
 * @param failureDetection how long a silent node stays a member
 * @param configFile       a Hazelcast configuration used instead of host, port and members; null for none
 * @param nodeName         this node's name, as devices' views and other nodes' meters show it
 * @param tls              the certificates of mutual TLS between the nodes; null: the nodes talk in the clear
 */
public record ClusterOptions(String host, int port, List<String> members, int busPort, Duration failureDetection,
                             Path configFile, String nodeName, Tls tls) {

  /** This node's certificate and key, and the CA whose certificates make a node a member (PEM files). */
  public record Tls(Path certificate, Path key, Path ca) {
  }
}
