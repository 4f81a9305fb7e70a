package org.telemetryhub.sim;

import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.telemetryhub.hub.Hub;
import org.telemetryhub.hub.process.FatalErrors;
import org.telemetryhub.hub.cli.PortCheck;
import org.telemetryhub.hub.RuntimeSettings;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.auth.SecretFile;
import org.telemetryhub.hub.auth.TokenService;
import org.telemetryhub.hub.config.HubSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

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
    HubSettings hubSettings = new HubSettings();
    new CommandLine(hubSettings).parseArgs("--port=" + port, "--data-dir=" + dataDir, "--alert-rules=" + ALERT_RULES);
    List<String> problems = RuntimeSettings.problems(hubSettings);
    if (!problems.isEmpty()) {
      System.err.println("device-sim demo: " + String.join("; ", problems));
      return SimCommand.EXIT_BAD_OPTIONS;
    }
    String portProblem = PortCheck.problem(hubSettings.host(), port);
    if (portProblem != null) {
      System.err.println("device-sim demo: " + portProblem);
      return SimCommand.EXIT_NOT_STARTED;
    }
    FatalErrors.endProcessOnFatal();
    Hub hub = Hub.start(hubSettings);
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
