package org.telemetryhub.hub.cli;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.telemetryhub.hub.address.DeviceIds;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.auth.Revocations;
import org.telemetryhub.hub.auth.TokenService;
import org.telemetryhub.hub.config.DurationConverter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hub token --device dev-1}, {@code hub token --subscriber NAME --channels 'readings/+,status/#'},
 * {@code hub token --api NAME --role read}: prints a token signed with the hub's (first) secret.
 */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Prints a signed token (JWT, HS256) for a device, a subscriber or the HTTP API on standard output.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the token was printed", "2:bad options, or no token secret where the hub keeps it"})
public final class TokenCommand implements Callable<Integer> {

  /** Exactly one of the three. */
  static final class Holder {
    @Option(names = "--device", required = true, paramLabel = "ID", description = "A device token, for this device id.")
    String device;

    @Option(names = "--subscriber", required = true, paramLabel = "NAME",
        description = "A subscriber token, for this name; give the channels it may use with --channels.")
    String subscriber;

    @Option(names = "--api", required = true, paramLabel = "NAME",
        description = "A token for the HTTP API, for this name (a person, a script, Prometheus); give its --role.")
    String api;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Holder holder;

  @Option(names = "--channels", split = ",", paramLabel = "FILTER",
      description = "With --subscriber: the channel filters the token grants, comma-separated, such as 'readings/+,status/#'.")
  List<String> channels;

  @Option(names = "--role", paramLabel = "ROLE",
      description = "With --api: read (every GET) or admin (also requests that change state, such as revoking a device).")
  String role;

  @Option(names = "--expires-in", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Validity, such as 24h or 365d. Default: the token never expires.")
  Duration expiresIn;

  @Mixin
  SecretOptions secret;

  @Mixin
  ConfigFileOption configFile;

  @Override
  public Integer call() throws IOException {
    if (holder.device != null && !DeviceIds.isValid(holder.device)) {
      System.err.println("hub token: '" + holder.device + "' is not a valid device id: " + DeviceIds.RULE);
      return HubCommand.EXIT_BAD_SETTINGS;
    }
    if (holder.subscriber != null && (channels == null || channels.isEmpty())) {
      System.err.println("hub token: --subscriber needs --channels, such as --channels 'readings/+,status/#'");
      return HubCommand.EXIT_BAD_SETTINGS;
    }
    if (holder.api != null && role == null) {
      System.err.println("hub token: --api needs --role read or --role admin");
      return HubCommand.EXIT_BAD_SETTINGS;
    }
    Vertx vertx = Vertx.vertx();
    try {
      TokenService tokens = new TokenService(vertx, secret.load(), Revocations.none());
      String token;
      if (holder.device != null) {
        token = tokens.issueDeviceToken(holder.device, expiresIn);
      } else if (holder.subscriber != null) {
        token = tokens.issueSubscriberToken(holder.subscriber, channels, expiresIn);
      } else {
        token = tokens.issueApiToken(holder.api, ApiAccess.Role.fromWire(role), expiresIn);
      }
      System.out.println(token);
    } catch (IllegalArgumentException e) {
      System.err.println("hub token: " + e.getMessage());
      return HubCommand.EXIT_BAD_SETTINGS;
    } finally {
      vertx.close();
    }
    return 0;
  }
}
