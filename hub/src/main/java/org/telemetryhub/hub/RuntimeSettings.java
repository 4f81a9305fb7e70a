package org.telemetryhub.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.telemetryhub.hub.alerts.AlertRule;
import org.telemetryhub.hub.auth.AuthOptions;
import org.telemetryhub.hub.backend.StoreBackend;
import org.telemetryhub.hub.backend.StoreOptions;
import org.telemetryhub.hub.cluster.ClusterOptions;
import org.telemetryhub.hub.config.HubSettings;
import org.telemetryhub.hub.device.DeviceOptions;
import org.telemetryhub.hub.edge.EdgeOptions;
import org.telemetryhub.hub.liveness.LivenessOptions;
import org.telemetryhub.hub.pubsub.SubscriberOptions;
import org.telemetryhub.hub.store.WriterOptions;
import org.telemetryhub.hub.store.influx.InfluxSettings;
import org.telemetryhub.hub.store.kafka.KafkaSettings;

/**
 * The command line's settings mapped onto the hub's typed options, here in the composition root
 * so that the settings themselves depend on nothing of the hub's domain.
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

  /** The options the settings describe; call with settings that have no {@link #problems}. */
  public static HubOptions options(HubSettings s) {
    return new HubOptions(s.dataDir(), s.nodeName(), s.shutdownTimeout(),
        new ListenOptions(s.host(), s.port(), s.eventLoops(), s.tlsCert(), s.tlsKey(), s.reloadCheckInterval()),
        new AuthOptions(s.authEnabled(), s.tokenSecret(), s.tokenSecretFile(), s.metricsAuth()),
        new LivenessOptions(s.heartbeatInterval(), s.heartbeatTimeout(), s.silentAfter(), s.silentMissedIntervals(),
            s.silentAfterMin(), s.silentAfterMax()),
        new DeviceOptions(s.maxFrameSize(), s.maxPendingPerDevice(), s.maxClockSkew(), s.temperatureMin(), s.temperatureMax(),
            s.humidityMin(), s.humidityMax(), s.pressureMin(), s.pressureMax()),
        new SubscriberOptions(s.maxSubscribers(), s.maxSubscribersPerToken(), s.maxChannelsPerRequest(), s.maxSubscriptions(),
            s.subscriberQueue(), s.subscriberQueueBytes(), s.maxRequestSize(), s.resumeLimit(), s.allowedOrigins()),
        new EdgeOptions(s.maxConnections(), s.maxConnectionsPerAddress(), s.handshakeRatePerAddress(),
            s.headerTimeout(), s.upgradeTimeout(), s.idleTimeout()),
        new WriterOptions(s.batchSize(), s.batchMaxAge(), s.storeQueueCapacity()),
        new StoreOptions(StoreBackend.Kind.valueOf(s.store().toUpperCase(Locale.ROOT)), s.storeShards(),
            new InfluxSettings(s.influxUrl(), s.influxDatabase(), s.influxRetentionPolicy(), s.influxUser(), s.influxPassword(),
                s.influxWritesInFlight(), s.influxGzip(), s.influxMetricsStep()),
            new KafkaSettings(s.kafkaBootstrap().replace(" ", ""), s.kafkaTopic(), s.kafkaEventsTopic()),
            s.retentionDays(), s.retentionCheckInterval()),
        s.cluster() ? clusterOptions(s) : null,
        s.alertRuleTexts().stream().map(AlertRule::parse).toList());
  }

  private static ClusterOptions clusterOptions(HubSettings settings) {
    List<String> members = settings.clusterMembers().stream().map(String::strip).filter(m -> !m.isEmpty()).toList();
    return new ClusterOptions(settings.clusterHost(), settings.clusterPort(), members, settings.clusterBusPort(),
        settings.clusterFailureDetection(), settings.clusterConfig(), settings.nodeName(),
        settings.clusterInsecure() ? null
            : new ClusterOptions.Tls(settings.clusterTlsCert(), settings.clusterTlsKey(), settings.clusterTlsCa()));
  }
}
