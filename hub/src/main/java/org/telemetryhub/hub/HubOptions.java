package org.telemetryhub.hub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.telemetryhub.hub.alerts.AlertRule;
import org.telemetryhub.hub.auth.AuthOptions;
import org.telemetryhub.hub.backend.StoreOptions;
import org.telemetryhub.hub.cluster.ClusterOptions;
import org.telemetryhub.hub.config.HostName;
import org.telemetryhub.hub.device.DeviceOptions;
import org.telemetryhub.hub.edge.EdgeOptions;
import org.telemetryhub.hub.liveness.LivenessOptions;
import org.telemetryhub.hub.pubsub.SubscriberOptions;
import org.telemetryhub.hub.store.WriterOptions;

/**
 * Everything a hub is started with, by area; each area's record has its defaults as constants.
 * The command line's settings map onto these ({@link RuntimeSettings#options}); code that embeds
 * a hub (the demo, the tests) starts from {@link #defaults} and changes what it needs:
 *
 * <pre>{@code
 * HubOptions options = HubOptions.defaults(dataDir);
 * Hub.start(options.withEdge(options.edge().withIdleTimeout(Duration.ofSeconds(5))));
 * }</pre>
 *
 * @param dataDir         the embedded store's directory, the generated token secret and the revocations
 * @param nodeName        this hub's name in devices' views, meters and the cluster
 * @param shutdownTimeout the whole of a graceful stop
 * @param cluster         how this hub joins its cluster; null for a hub on its own
 * @param alertRules      the alert rules, parsed
 */
public record HubOptions(Path dataDir, String nodeName, Duration shutdownTimeout, ListenOptions listen, AuthOptions auth,
                         LivenessOptions liveness, DeviceOptions devices, SubscriberOptions subscribers, EdgeOptions edge,
                         WriterOptions writer, StoreOptions store, ClusterOptions cluster, List<AlertRule> alertRules) {

  public static final Path DEFAULT_DATA_DIR = Path.of("./data");
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  public HubOptions {
    alertRules = List.copyOf(alertRules);
  }

  /** Every area at its defaults, the data in {@code dataDir}, named after this machine. */
  public static HubOptions defaults(Path dataDir) {
    return new HubOptions(dataDir, HostName.ofThisMachine(), DEFAULT_SHUTDOWN_TIMEOUT, ListenOptions.DEFAULTS, AuthOptions.DEFAULTS,
        LivenessOptions.DEFAULTS, DeviceOptions.DEFAULTS, SubscriberOptions.DEFAULTS, EdgeOptions.DEFAULTS, WriterOptions.DEFAULTS,
        StoreOptions.DEFAULTS, null, List.of());
  }

  public HubOptions withListen(ListenOptions options) {
    return new HubOptions(dataDir, nodeName, shutdownTimeout, options, auth, liveness, devices, subscribers, edge, writer, store,
        cluster, alertRules);
  }

  public HubOptions withAuth(AuthOptions options) {
    return new HubOptions(dataDir, nodeName, shutdownTimeout, listen, options, liveness, devices, subscribers, edge, writer, store,
        cluster, alertRules);
  }

  public HubOptions withLiveness(LivenessOptions options) {
    return new HubOptions(dataDir, nodeName, shutdownTimeout, listen, auth, options, devices, subscribers, edge, writer, store,
        cluster, alertRules);
  }

  public HubOptions withDevices(DeviceOptions options) {
    return new HubOptions(dataDir, nodeName, shutdownTimeout, listen, auth, liveness, options, subscribers, edge, writer, store,
        cluster, alertRules);
  }

  public HubOptions withSubscribers(SubscriberOptions options) {
    return new HubOptions(dataDir, nodeName, shutdownTimeout, listen, auth, liveness, devices, options, edge, writer, store,
        cluster, alertRules);
  }

  public HubOptions withEdge(EdgeOptions options) {
    return new HubOptions(dataDir, nodeName, shutdownTimeout, listen, auth, liveness, devices, subscribers, options, writer, store,
        cluster, alertRules);
  }

  public HubOptions withWriter(WriterOptions options) {
    return new HubOptions(dataDir, nodeName, shutdownTimeout, listen, auth, liveness, devices, subscribers, edge, options, store,
        cluster, alertRules);
  }

  public HubOptions withStore(StoreOptions options) {
    return new HubOptions(dataDir, nodeName, shutdownTimeout, listen, auth, liveness, devices, subscribers, edge, writer, options,
        cluster, alertRules);
  }

  public HubOptions withAlertRules(List<AlertRule> rules) {
    return new HubOptions(dataDir, nodeName, shutdownTimeout, listen, auth, liveness, devices, subscribers, edge, writer, store,
        cluster, rules);
  }

  public HubOptions withNodeName(String name) {
    return new HubOptions(dataDir, name, shutdownTimeout, listen, auth, liveness, devices, subscribers, edge, writer, store,
        cluster, alertRules);
  }

  public HubOptions withShutdownTimeout(Duration timeout) {
    return new HubOptions(dataDir, nodeName, timeout, listen, auth, liveness, devices, subscribers, edge, writer, store,
        cluster, alertRules);
  }
}
