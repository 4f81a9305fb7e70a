package org.telemetryhub.sim;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.telemetryhub.hub.Hub;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.auth.TokenService;
import org.telemetryhub.hub.config.HubSettings;
import picocli.CommandLine;

/** A real hub in this process on a free port, and its HTTP API as a user would call it. */
final class HubForTests implements AutoCloseable {

  static final String SECRET = "device-sim-test-secret-0123456789abcdef";
  // HTTP/1.1, as curl and most scrapers speak it, and a timeout on every request.
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  final Hub hub;
  /** An api token with role read, as a dashboard or script would hold. */
  private final String apiToken;

  private HubForTests(Hub hub) {
    this.hub = hub;
    Vertx vertx = Vertx.vertx();
    try {
      this.apiToken = TokenService.withSecret(vertx, SECRET).issueApiToken("device-sim-tests", ApiAccess.Role.READ, null);
    } finally {
      vertx.close();
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + path))
        .header("Authorization", "Bearer " + apiToken).timeout(Duration.ofSeconds(10));
  }

  static HubForTests start(Path dataDir, String... extraArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port=0", "--host=127.0.0.1", "--data-dir=" + dataDir,
        "--token-secret=" + SECRET, "--shutdown-timeout=5s"));
    args.addAll(List.of(extraArgs));
    HubSettings settings = new HubSettings();
    new CommandLine(settings).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(String[]::new));
    return new HubForTests(Hub.start(settings));
  }

  String url() {
    return "ws://127.0.0.1:" + hub.port();
  }

  /** The HTTP status and JSON body of a GET, whatever the status. */
  record Answer(int status, JsonObject body) {
  }

  Answer answer(String path) {
    try {
      HttpResponse<String> response = HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), new JsonObject(response.body()));
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("GET " + path + " failed: " + e, e);
    }
  }

  JsonObject get(String path) {
    try {
      HttpResponse<String> response = HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
      }
      return new JsonObject(response.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("GET " + path + " failed: " + e, e);
    }
  }

  String metrics() {
    try {
      return HTTP.send(request("/metrics").build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Every stored reading of the device (at most 10,000), oldest first. */
  JsonArray readings(String device) {
    return get("/api/devices/" + device + "/readings?from=0&to=4294967295&limit=10000").getJsonArray("readings");
  }

  @Override
  public void close() {
    hub.stop();
  }
}
