package org.telemetryhub.hub.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates of a cluster's mutual TLS, made as an operator makes them: with the project's
 * deploy/cluster-certs.sh (a CA, and a certificate and key per node signed by it).
 */
public record ClusterCertificates(Path dir) {

  /** The script, from the hub or device-sim module's directory. */
  private static Path script() {
    for (Path candidate : List.of(Path.of("..", "deploy", "cluster-certs.sh"), Path.of("deploy", "cluster-certs.sh"))) {
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("deploy/cluster-certs.sh not found from " + Path.of("").toAbsolutePath());
  }

  /** Makes (or completes) the CA and node certificates in {@code dir}; fails the test when openssl is missing. */
  public static ClusterCertificates make(Path dir, String... nodes) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sh", script().toString(), dir.toString()));
    command.addAll(List.of(nodes));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new AssertionError("deploy/cluster-certs.sh failed (it needs openssl: apt-get install openssl): " + output);
    }
    return new ClusterCertificates(dir);
  }

  /** The serve flags of {@code node}: its certificate and key, and the CA. */
  public List<String> args(String node) {
    return List.of("--cluster-tls-cert=" + dir.resolve(node + ".crt"), "--cluster-tls-key=" + dir.resolve(node + ".key"),
        "--cluster-tls-ca=" + dir.resolve("ca.crt"));
  }
}
