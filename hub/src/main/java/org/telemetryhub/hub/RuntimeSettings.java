package org.telemetryhub.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.telemetryhub.hub.alerts.AlertRule;
import org.telemetryhub.hub.cluster.ClusterOptions;
import org.telemetryhub.hub.config.HubSettings;
import org.telemetryhub.hub.protocol.ValidRanges;
import org.telemetryhub.hub.pubsub.SubscriberChannel;
import org.telemetryhub.hub.backend.StoreBackend;
import org.telemetryhub.hub.store.influx.InfluxSettings;

/**
 * The runtime types the settings describe, built here in the composition root so that the
 * settings themselves depend on nothing of the hub's domain.
 */
public final class RuntimeSettings {

  private RuntimeSettings() {
  }

  /** Every problem of the settings, those that show only when their values are parsed (alert rules) included. */
  public static List<String> problems(HubSettings settings) {
    List<String> problems = new ArrayList<>(settings.problems());
    for (String rule : settings.alertRuleTexts()) {
      try {
        AlertRule.parse(rule);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  static ValidRanges validRanges(HubSettings settings) {
    return new ValidRanges(settings.temperatureMin(), settings.temperatureMax(), settings.humidityMin(),
        settings.humidityMax(), settings.pressureMin(), settings.pressureMax(), settings.maxClockSkew(),
        Duration.ofDays(settings.retentionDays()));
  }

  static SubscriberChannel.Limits subscriberLimits(HubSettings settings) {
    return new SubscriberChannel.Limits(settings.maxSubscribers(), settings.maxSubscribersPerToken(), settings.maxChannelsPerRequest(),
        settings.maxSubscriptions(), settings.subscriberQueue(), settings.subscriberQueueBytes(), settings.maxRequestSize());
  }

  static ClusterOptions clusterOptions(HubSettings settings) {
    List<String> members = settings.clusterMembers().stream().map(String::strip).filter(m -> !m.isEmpty()).toList();
    return new ClusterOptions(settings.clusterHost(), settings.clusterPort(), members, settings.clusterBusPort(),
        settings.clusterFailureDetection(), settings.clusterConfig(), settings.nodeName(),
        settings.clusterInsecure() ? null
            : new ClusterOptions.Tls(settings.clusterTlsCert(), settings.clusterTlsKey(), settings.clusterTlsCa()));
  }

  static StoreBackend.Choice storeChoice(HubSettings settings) {
    return new StoreBackend.Choice(StoreBackend.Kind.valueOf(settings.store().toUpperCase(Locale.ROOT)), settings.dataDir(), settings.storeShards(),
        new InfluxSettings(settings.influxUrl(), settings.influxDatabase(), settings.influxRetentionPolicy(),
            settings.influxUser(), settings.influxPassword(), settings.influxWritesInFlight(), settings.influxGzip(),
            settings.influxMetricsStep()),
        Duration.ofDays(settings.retentionDays()), settings.nodeName());
  }

  static List<AlertRule> alertRules(HubSettings settings) {
    return settings.alertRuleTexts().stream().map(AlertRule::parse).toList();
  }
}
