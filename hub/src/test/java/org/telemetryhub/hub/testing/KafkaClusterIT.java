package org.telemetryhub.hub.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClusterIT {

  @TempDir
  Path dir;

  /** Verifies that the test brokers start from the Kafka jars and form one cluster. */
  @Test
  void threeBrokersFormOneCluster() throws Exception {
    try (KafkaCluster kafka = KafkaCluster.start(dir, 3);
         var admin = kafka.admin()) {
      assertEquals(3, admin.describeCluster().nodes().get().size());
    }
  }
}
