package org.telemetryhub.hub.cli;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.telemetryhub.hub.address.DeviceIds;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.auth.Revocations;
import org.telemetryhub.hub.auth.TokenService;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hub revoke --device dev-1}: asks a running hub to refuse every token of the device issued
 * until now and to close its connection; the device needs a new token ({@code hub token --device}).
 * {@code --subscriber NAME} and {@code --api NAME} do the same for the tokens issued for that name.
 */
@Command(name = "revoke", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Revokes the tokens of a device, subscriber or api name on a running hub: its connections close and new "
        + "tokens are needed.",
        "Without --token, an admin token is minted from the hub's secret (run it where the secret is)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:revoked", "1:the hub could not be reached or refused", "2:bad options, or no secret to mint a token with"})
public final class RevokeCommand implements Callable<Integer> {

  static final int EXIT_FAILED = 1;

  /** Exactly one of the three. */
  static final class Whose {
    @Option(names = "--device", required = true, paramLabel = "ID", description = "The device whose tokens to revoke.")
    String device;

    @Option(names = "--subscriber", required = true, paramLabel = "NAME",
        description = "The subscriber name whose tokens to revoke (as given to hub token --subscriber).")
    String subscriber;

    @Option(names = "--api", required = true, paramLabel = "NAME",
        description = "The api name whose tokens to revoke (as given to hub token --api).")
    String api;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Whose whose;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "The hub. Default: ${DEFAULT-VALUE}.")
  URI url;

  @Option(names = "--token", description = "An api token with role admin. Default: one minted from the hub's secret.")
  String token;

  @Mixin
  TrustOptions trust;

  @Mixin
  SecretOptions secret;

  @Mixin
  ConfigFileOption configFile;

  @Override
  public Integer call() throws Exception {
    String device = whose.device;
    if (device != null && !DeviceIds.isValid(device)) {
      System.err.println("hub revoke: '" + device + "' is not a valid device id: " + DeviceIds.RULE);
      return HubCommand.EXIT_BAD_SETTINGS;
    }
    String what = device != null ? "device " + device
        : whose.subscriber != null ? "subscriber " + whose.subscriber : "api " + whose.api;
    String path = device != null ? "/api/devices/" + device + "/revoke"
        : "/api/tokens/" + (whose.subscriber != null ? "subscriber/" + pathSegment(whose.subscriber)
            : "api/" + pathSegment(whose.api)) + "/revoke";
    String admin;
    try {
      admin = token != null ? token : mintAdminToken();
    } catch (IllegalArgumentException e) {
      System.err.println("hub revoke: " + e.getMessage() + " (or give an admin token with --token)");
      return HubCommand.EXIT_BAD_SETTINGS;
    }
    HttpClient client = HttpClient.newBuilder().sslContext(trust.sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(url.resolve(path))
        .header("Authorization", "Bearer " + admin)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      System.err.println("hub revoke: cannot reach the hub at " + url + ": " + e.getMessage());
      return EXIT_FAILED;
    }
    if (response.statusCode() != 200) {
      System.err.println("hub revoke: the hub answered " + response.statusCode() + ": " + response.body());
      return EXIT_FAILED;
    }
    JsonObject answer = new JsonObject(response.body());
    long revokedAt = answer.getLong("revokedAt");
    System.out.println(what + ": tokens issued until " + Instant.ofEpochSecond(revokedAt) + " are refused"
        + (answer.getBoolean("connectionClosed", false) ? "; its connection was closed"
            : device == null ? "; its open connections are closed" : "")
        + ". Give it a new token: hub token --" + what.replace(" ", " '") + "'");
    // A token minted in the second of the revocation would be refused too: return once that second is over.
    long waitMillis = (revokedAt + 1) * 1000 - System.currentTimeMillis();
    if (waitMillis > 0) {
      Thread.sleep(waitMillis);
    }
    return 0;
  }

  /** A name as one segment of the request's path: percent-encoded (a space as %20, a slash as %2F). */
  private static String pathSegment(String name) {
    return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String mintAdminToken() throws java.io.IOException {
    Vertx vertx = Vertx.vertx();
    try {
      return new TokenService(vertx, secret.load(), Revocations.none())
          .issueApiToken("hub-revoke", ApiAccess.Role.ADMIN, Duration.ofMinutes(5));
    } finally {
      vertx.close();
    }
  }
}
