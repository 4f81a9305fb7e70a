package org.telemetryhub.hub.cli;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.telemetryhub.hub.auth.SecretFile;
import org.telemetryhub.hub.auth.TokenService;
import org.telemetryhub.hub.config.DurationConverter;
import org.telemetryhub.hub.config.HubSettings;
import org.telemetryhub.hub.device.DeviceIds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hub token --device dev-1}: prints a device token signed with the hub's secret. */
@Command(name = "token", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Prints a signed device token (JWT, HS256) on standard output.")
public final class TokenCommand implements Callable<Integer> {

  @Option(names = "--device", required = true, paramLabel = "ID", description = "The device the token is for.")
  String device;

  @Option(names = "--expires-in", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Validity, such as 24h or 365d. Default: the token never expires.")
  Duration expiresIn;

  @Mixin
  HubSettings settings;

  @Mixin
  ConfigFileOption configFile;

  @Override
  public Integer call() throws IOException {
    if (!DeviceIds.isValid(device)) {
      System.err.println("hub token: '" + device + "' is not a valid device id: " + DeviceIds.RULE);
      return HubCommand.EXIT_BAD_SETTINGS;
    }
    String secret = settings.tokenSecret() != null ? settings.tokenSecret() : SecretFile.loadOrCreate(settings.dataDir());
    Vertx vertx = Vertx.vertx();
    try {
      System.out.println(new TokenService(vertx, secret).issueDeviceToken(device, expiresIn));
    } finally {
      vertx.close();
    }
    return 0;
  }
}
