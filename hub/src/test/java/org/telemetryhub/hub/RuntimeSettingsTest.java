package org.telemetryhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.config.HubSettings;
import org.telemetryhub.hub.protocol.ValidRanges;
import org.telemetryhub.hub.testing.TestHub;

class RuntimeSettingsTest {

  /** Verifies that the default settings give the documented valid ranges and subscriber limits. */
  @Test
  void defaultsBuildTheDocumentedRuntimeTypes() {
    HubSettings settings = TestHub.settings();
    assertEquals(ValidRanges.DEFAULT, RuntimeSettings.validRanges(settings));
    assertEquals(1000, RuntimeSettings.subscriberLimits(settings).maxSubscribers());
    assertEquals(1 << 20, RuntimeSettings.subscriberLimits(settings).queueBytes());
    assertEquals(List.of(), RuntimeSettings.alertRules(settings));
    assertEquals(List.of(), RuntimeSettings.problems(settings));
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
