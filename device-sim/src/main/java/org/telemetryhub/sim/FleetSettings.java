package org.telemetryhub.sim;

import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.telemetryhub.hub.cli.TrustOptions;
import org.telemetryhub.hub.config.DurationConverter;
import org.telemetryhub.hub.config.TokenSecretRule;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Every setting of a simulated fleet, with its default, documentation and validation. */
public final class FleetSettings {

  /** Client options with the fleet's TLS trust (used only for wss:// URLs). */
  WebSocketClientOptions clientOptions() {
    WebSocketClientOptions options = trust.applyTo(new WebSocketClientOptions());
    return options.setVerifyHost(!trust.skipsHostnameCheck());
  }

  @Option(names = "--url", split = ",", paramLabel = "URL", defaultValue = "ws://127.0.0.1:8080",
      description = "The hub: ws://HOST:PORT, or wss://HOST:PORT for a hub serving TLS. Several (repeated or "
          + "comma-separated: the nodes of a cluster without a load balancer): each device starts on one of them in turn "
          + "and moves to the next on every reconnect. Default: ${DEFAULT-VALUE}.")
  List<URI> urls = new ArrayList<>();

  /** The first hub URL: where one-hub tools connect. */
  URI url() {
    return urls.get(0);
  }

  /** Where the fleet's subscribers connect: --subscribe-url, or the first hub URL. */
  URI subscribeUrl() {
    return subscribeUrl != null ? subscribeUrl : url();
  }

  /** How a wss:// hub's certificate is trusted: the system's authorities, --trust-cert PEM, or --insecure. */
  @Mixin
  TrustOptions trust = new TrustOptions();

  @Option(names = "--devices", defaultValue = "100", description = "How many devices, each on its own connection. Default: ${DEFAULT-VALUE}.")
  int devices;

  @Option(names = "--id-pattern", defaultValue = "dev-%04d",
      description = "Device ids: a String.format pattern of the device number. Default: ${DEFAULT-VALUE}.")
  String idPattern;

  @Option(names = "--first-id", defaultValue = "1", description = "Number of the first device. Default: ${DEFAULT-VALUE}.")
  int firstId;

  @Option(names = "--rate", defaultValue = "1",
      description = "Readings per second per device, at most 1 (timestamps are whole seconds) unless --load. "
          + "Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(names = "--batch", defaultValue = "10",
      description = "Packets per frame at most (a backlog after a reconnect goes out in frames this big). Default: "
          + "${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--outbox", defaultValue = "10000",
      description = "Readings a device keeps until acked; when full the oldest is dropped and counted lost. Default: "
          + "${DEFAULT-VALUE}.")
  int outbox;

  @Option(names = "--duration", converter = DurationConverter.class,
      description = "Generate readings this long, then drain and stop. Default: until Ctrl-C.")
  Duration duration;

  @Option(names = "--drain", defaultValue = "30s", converter = DurationConverter.class,
      description = "After generating stops, how long to wait for the last acks. Default: ${DEFAULT-VALUE}.")
  Duration drain;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the sensor models and of every random choice. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--tokens", paramLabel = "FILE", description = "Device tokens, one 'deviceId token' line each.")
  Path tokensFile;

  @Option(names = "--token-secret", description = "The hub's token secret: tokens are minted from it, as a provisioning service would.")
  String tokenSecret;

  @Option(names = "--token-secret-file", defaultValue = "./data/token-secret",
      description = "File holding the hub's token secret, used when neither --tokens nor --token-secret is given. "
          + "Default: ${DEFAULT-VALUE} (where the hub keeps it).")
  Path tokenSecretFile;

  @Option(names = "--no-auth", description = "Connect without tokens (for a hub started with --no-auth).")
  boolean noAuth;

  @Option(names = "--watchdog", defaultValue = "40s", converter = DurationConverter.class,
      description = "No ping from the hub for this long means the link is dead: reconnect. Default: "
          + "${DEFAULT-VALUE}.")
  Duration watchdog;

  @Option(names = "--backoff-initial", defaultValue = "1s", converter = DurationConverter.class,
      description = "First reconnection delay; it doubles per failed attempt. Default: ${DEFAULT-VALUE}.")
  Duration backoffInitial;

  @Option(names = "--backoff-max", defaultValue = "30s", converter = DurationConverter.class,
      description = "Cap of the reconnection delay (jitter of up to half comes on top). Default: ${DEFAULT-VALUE}.")
  Duration backoffMax;

  @Option(names = "--ramp-up", defaultValue = "1s", converter = DurationConverter.class,
      description = "First connections are spread over this long. Default: ${DEFAULT-VALUE}.")
  Duration rampUp;

  @Option(names = "--measure-after", defaultValue = "0s", converter = DurationConverter.class,
      description = "Latency percentiles count only readings sent this long after the start (leave out the ramp-up)."
          + " Default: ${DEFAULT-VALUE}.")
  Duration measureAfter;

  @Option(names = "--progress-every", defaultValue = "5s", converter = DurationConverter.class,
      description = "Progress line interval. Default: ${DEFAULT-VALUE}.")
  Duration progressEvery;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the final summary as JSON to FILE ('-' for standard output).")
  String jsonSummary;

  @Option(names = "--fault-stuck", defaultValue = "0",
      description = "Probability per reading that the temperature sticks for 30 readings. Default: ${DEFAULT-VALUE}.")
  double faultStuck;

  @Option(names = "--fault-spike", defaultValue = "0", description = "Probability per reading of a +15..25 °C spike. Default: ${DEFAULT-VALUE}.")
  double faultSpike;

  @Option(names = "--fault-out-of-range", defaultValue = "0",
      description = "Probability per reading of humidity 150 %% (rejected by the hub). Default: ${DEFAULT-VALUE}.")
  double faultOutOfRange;

  @Option(names = "--fault-nan", defaultValue = "0",
      description = "Probability per reading of a NaN temperature (rejected by the hub). Default: ${DEFAULT-VALUE}.")
  double faultNan;

  @Option(names = "--chaos-drop-every", converter = DurationConverter.class,
      description = "Drop a random device's connection (no close handshake) this often. Default: off.")
  Duration chaosDropEvery;

  @Option(names = "--chaos-mute-every", converter = DurationConverter.class,
      description = "This often, a random device stops reading (so it answers no pings) for --chaos-mute-for. "
          + "Default: off.")
  Duration chaosMuteEvery;

  @Option(names = "--chaos-mute-for", defaultValue = "45s", converter = DurationConverter.class,
      description = "How long a muted device stays deaf. Default: ${DEFAULT-VALUE}.")
  Duration chaosMuteFor;

  @Option(names = "--chaos-malformed-per-second", defaultValue = "0",
      description = "Malformed frames (17 bytes) sent per second by random devices. Default: ${DEFAULT-VALUE}.")
  double chaosMalformedPerSecond;

  @Option(names = "--subscribers", defaultValue = "0",
      description = "Also open this many subscriber connections to --subscribe-filter and count what they receive (fan-out). "
          + "Default: ${DEFAULT-VALUE}.")
  int subscribers;

  @Option(names = "--subscribe-url",
      description = "Where those subscribers connect (another node of a cluster, say). Default: the first --url.")
  URI subscribeUrl;

  @Option(names = "--subscribe-filter", defaultValue = "readings/#",
      description = "The channel filter of those subscribers. Default: ${DEFAULT-VALUE}.")
  String subscribeFilter;

  @Option(names = "--load",
      description = "Load mode: every device sends as fast as its in-flight window allows, timestamps counting up "
          + "from 20 days ago.")
  boolean load;

  @Option(names = "--load-rate", defaultValue = "0",
      description = "Load mode: readings per second per device instead of as fast as the window allows (0). Default: ${DEFAULT-VALUE}.")
  double loadRate;

  @Option(names = "--window", defaultValue = "256",
      description = "Load mode: unacknowledged packets in flight per device at most. Default: ${DEFAULT-VALUE}.")
  int window;

  public String deviceId(int number) {
    return String.format(idPattern, number);
  }

  public Faults faults() {
    return new Faults(faultStuck, faultSpike, faultOutOfRange, faultNan);
  }

  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (urls.isEmpty()) {
      problems.add("url: give at least one hub, ws://host:port or wss://host:port");
    }
    for (URI url : urls) {
      String scheme = url.getScheme();
      if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
        problems.add("url must be ws://host:port or wss://host:port, not '" + url + "'");
      }
    }
    if (devices < 1) {
      problems.add("devices must be at least 1, not " + devices);
    }
    try {
      if (!org.telemetryhub.hub.address.DeviceIds.isValid(deviceId(firstId))) {
        problems.add("id-pattern makes '" + deviceId(firstId) + "', not a valid device id");
      }
    } catch (java.util.IllegalFormatException e) {
      problems.add("id-pattern '" + idPattern + "' is not a format for one number: " + e.getMessage());
    }
    if (!load && (rate <= 0 || rate > 1)) {
      problems.add("rate must be above 0 and at most 1 reading per second per device (use --load for more), not " + rate);
    }
    if (batch < 1 || batch > 4096) {
      problems.add("batch must be between 1 and 4096 packets (64 KiB), not " + batch);
    }
    if (outbox < batch) {
      problems.add("outbox (" + outbox + ") must hold at least one batch (" + batch + ")");
    }
    if (load && (window < batch || window > outbox)) {
      problems.add("window must be between batch (" + batch + ") and outbox (" + outbox + "), not " + window);
    }
    for (double p : new double[] {faultStuck, faultSpike, faultOutOfRange, faultNan}) {
      if (p < 0 || p > 1) {
        problems.add("fault probabilities must be between 0 and 1, not " + p);
      }
    }
    if (loadRate < 0) {
      problems.add("load-rate must not be negative");
    }
    if (chaosMalformedPerSecond < 0) {
      problems.add("chaos-malformed-per-second must not be negative");
    }
    if (tokenSecret != null && TokenSecretRule.problemWith("token-secret", tokenSecret) != null) {
      problems.add(TokenSecretRule.problemWith("token-secret", tokenSecret));
    }
    return problems;
  }
}
