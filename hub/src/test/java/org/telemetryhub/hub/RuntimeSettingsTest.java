package org.telemetryhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.backend.StoreBackend;
import org.telemetryhub.hub.backend.StoreOptions;
import org.telemetryhub.hub.config.HubSettings;
import org.telemetryhub.hub.device.DeviceOptions;
import org.telemetryhub.hub.protocol.ValidRanges;
import org.telemetryhub.hub.testing.TestHub;

class RuntimeSettingsTest {

  /** Verifies that the command line's defaults are the typed options' defaults, area by area. */
  @Test
  void theCommandLinesDefaultsAreTheOptionsDefaults() {
    HubSettings settings = TestHub.settings("--node-name=n1");
    assertEquals(List.of(), RuntimeSettings.problems(settings));
    HubOptions options = RuntimeSettings.options(settings);
    HubOptions defaults = HubOptions.defaults(Path.of("./data")).withNodeName("n1");
    assertEquals(defaults.listen(), options.listen());
    assertEquals(defaults.auth(), options.auth());
    assertEquals(defaults.liveness(), options.liveness());
    assertEquals(defaults.devices(), options.devices());
    assertEquals(defaults.subscribers(), options.subscribers());
    assertEquals(defaults.edge(), options.edge());
    assertEquals(defaults.writer(), options.writer());
    assertEquals(defaults.store(), options.store());
    assertEquals(defaults, options);
    assertEquals(ValidRanges.DEFAULT, DeviceOptions.DEFAULTS.validRanges(StoreOptions.DEFAULTS.retention()));
  }

  /** Verifies that settings land in their area's options. */
  @Test
  void settingsMapOntoTheirArea() {
    HubOptions options = RuntimeSettings.options(TestHub.settings("--idle-timeout=5s", "--max-subscribers=7", "--store=sqlite",
        "--retention-days=9", "--alert-rules=hot: temperature > 30", "--no-auth", "--cluster", "--cluster-insecure",
        "--store=influx", "--cluster-members= 10.0.0.1:5701 ,", "--node-name=n2"));
    assertEquals(Duration.ofSeconds(5), options.edge().idleTimeout());
    assertEquals(7, options.subscribers().maxSubscribers());
    assertEquals(StoreBackend.Kind.INFLUX, options.store().kind());
    assertEquals(Duration.ofDays(9), options.store().retention());
    assertEquals(1, options.alertRules().size());
    assertEquals(false, options.auth().enabled());
    assertEquals(List.of("10.0.0.1:5701"), options.cluster().members());
    assertEquals("n2", options.cluster().nodeName());
    assertEquals(null, options.cluster().tls(), "--cluster-insecure: no TLS between the nodes");
  }

  /** Verifies that a malformed alert rule is a problem of the settings, reported before anything starts. */
  @Test
  void malformedAlertRulesAreProblems() {
    HubSettings settings = TestHub.settings("--alert-rules=hot: temperature >> 30;ok: temperature > 30");
    List<String> problems = RuntimeSettings.problems(settings);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("hot"), problems.toString());
  }
}
