package org.telemetryhub.sim;

import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.telemetryhub.hub.Hub;
import org.telemetryhub.hub.process.FatalErrors;
import org.telemetryhub.hub.cli.PortCheck;
import org.telemetryhub.hub.HubOptions;
import org.telemetryhub.hub.ListenOptions;
import org.telemetryhub.hub.alerts.AlertRule;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.auth.SecretFile;
import org.telemetryhub.hub.auth.TokenService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code device-sim demo}: a hub on the embedded store and a fleet streaming to it, in one process. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs a hub (embedded store) and a simulated fleet streaming to it; Ctrl-C stops both cleanly.",
        "The fleet options are those of device-sim itself; --url is set to the hub started here."})
public final class DemoCommand implements Callable<Integer> {

  private static final Duration DEMO_TOKEN_VALIDITY = Duration.ofDays(7);
  /**
   * The rules of docker-compose.yml, which fire with simulated data: a temperature spike (when
   * faults are on) and, at any time of day, the quarter of devices whose pressure runs high.
   */
  static final String ALERT_RULES = "overheat: temperature > 30 resolve < 29; pressure-high: pressure > 1018 for 10s resolve < 1017";

  @Option(names = "--port", defaultValue = "8080", description = "Port of the hub. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--data-dir", defaultValue = "./data", description = "Data directory of the hub. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Mixin
  FleetSettings fleetSettings;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      System.err.println("device-sim demo: port must be between 0 and 65535, not " + port);
      return SimCommand.EXIT_BAD_OPTIONS;
    }
    HubOptions defaults = HubOptions.defaults(dataDir);
    HubOptions options = defaults.withListen(defaults.listen().withAddress(ListenOptions.DEFAULT_HOST, port))
        .withAlertRules(Arrays.stream(ALERT_RULES.split(";")).map(AlertRule::parse).toList());
    String portProblem = PortCheck.problem(ListenOptions.DEFAULT_HOST, port);
    if (portProblem != null) {
      System.err.println("device-sim demo: " + portProblem);
      return SimCommand.EXIT_NOT_STARTED;
    }
    FatalErrors.endProcessOnFatal();
    Hub hub = Hub.start(options);
    String secret = SecretFile.loadOrCreate(dataDir).signing();
    fleetSettings.urls = List.of(URI.create("ws://127.0.0.1:" + hub.port()));
    fleetSettings.tokenSecret = secret;
    Function<Vertx, TokenSource> tokens = SimCommand.tokenSource(fleetSettings);
    if (tokens == null) {
      hub.stop();
      return SimCommand.EXIT_BAD_OPTIONS;
    }
    String http = "http://localhost:" + hub.port();
    String apiToken;
    Vertx tokenVertx = Vertx.vertx();
    try {
      apiToken = TokenService.withSecret(tokenVertx, secret).issueApiToken("demo", ApiAccess.Role.READ, DEMO_TOKEN_VALIDITY);
    } finally {
      tokenVertx.close();
    }
    String auth = "-H \"Authorization: Bearer $HUB_TOKEN\" ";
    String first = fleetSettings.deviceId(fleetSettings.firstId);
    System.out.println();
    System.out.println("Telemetry hub demo: " + fleetSettings.devices + " simulated devices streaming to " + http);
    System.out.println("  Web console    " + http + "/#token=" + apiToken);
    System.out.println("  The API needs a token; this one reads everything for 7 days (role read):");
    System.out.println("  export HUB_TOKEN=" + apiToken);
    System.out.println("  devices        curl -s " + auth + http + "/api/devices");
    System.out.println("  one device     curl -s " + auth + http + "/api/devices/" + first);
    System.out.println("  its history    curl -s " + auth + "'" + http + "/api/devices/" + first + "/readings'");
    System.out.println("  health         curl -s " + http + "/health");
    System.out.println("  metrics        curl -s " + http + "/metrics | grep ^hub_");
    System.out.println("  subscribe      java -jar hub/target/hub.jar subscribe 'readings/+' 'status/+' --url ws://127.0.0.1:"
        + hub.port() + " --token $(java -jar hub/target/hub.jar token --subscriber me --channels '#' --data-dir " + dataDir + ")");
    System.out.println("  a token        java -jar hub/target/hub.jar token --device my-device --data-dir " + dataDir);
    System.out.println("  Ctrl-C stops the fleet (after its last acks) and then the hub.");
    System.out.println();
    Fleet fleet = Fleet.start(fleetSettings, tokens, ReadingListener.NONE, System.out);
    return SimCommand.runUntilDone(fleetSettings, fleet, hub::stop);
  }
}
