package org.telemetryhub.hub.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.telemetryhub.hub.auth.ApiAccess;

/** The hub's HTTP API through a plain JDK HTTP client, as a script would call it. */
public final class HubApi {

  // HTTP/1.1, as curl and most scrapers speak it.
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** An admin api token signed with the test secret: what the tests use unless they test access itself. */
  private static final String ADMIN = Tokens.api("tests", ApiAccess.Role.ADMIN);

  private final int port;
  private final String token;

  /** The API as an admin sees it. */
  public HubApi(int port) {
    this(port, ADMIN);
  }

  /** The API with {@code token} (null: none). */
  public HubApi(int port, String token) {
    this.port = port;
    this.token = token;
  }

  /** The same hub seen with another token (null: none). */
  public HubApi as(String otherToken) {
    return new HubApi(port, otherToken);
  }

  public record Response(int status, String body, String contentType) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  public Response get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).GET(), pathAndQuery);
  }

  public Response post(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .POST(HttpRequest.BodyPublishers.noBody()), pathAndQuery);
  }

  private Response send(HttpRequest.Builder builder, String pathAndQuery) {
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    HttpRequest request = builder.timeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(),
          response.headers().firstValue("content-type").orElse(""));
    } catch (IOException e) {
      throw new AssertionError(request.method() + " " + pathAndQuery + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * The value of one series of /metrics, such as {@code hub_readings_stored_total} or
   * {@code hub_subscriber_messages_lost_total{policy="conflate"}}; fails the test when it is absent.
   */
  public double metric(String series) {
    String body = get("/metrics").body();
    for (String line : body.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    String name = series.replaceAll("\\{.*", "");
    throw new AssertionError("no series " + series + " in /metrics; series of that name: "
        + java.util.Arrays.stream(body.split("\n")).filter(line -> line.startsWith(name)).toList());
  }

  /** Every stored reading of the device in [from, to], through the history API (at most 10,000). */
  public JsonArray readings(String device, long from, long to) {
    Response response = get("/api/devices/" + device + "/readings?from=" + from + "&to=" + to + "&limit=10000");
    if (response.status() == 404) {
      return new JsonArray();
    }
    if (response.status() != 200) {
      throw new AssertionError("history of " + device + ": HTTP " + response.status() + " " + response.body());
    }
    return response.json().getJsonArray("readings");
  }

  /**
   * Waits until the hub lists the device as online. A client sees its upgrade complete a moment
   * before the hub has registered the connection, so a test that asks the API right after
   * connecting waits for it here.
   */
  public JsonObject awaitOnline(String device) {
    Poll.until(device + " online in the API", Duration.ofSeconds(10), () -> {
      Response response = get("/api/devices/" + device);
      return response.status() == 200 && "online".equals(response.json().getString("state"));
    });
    return device(device);
  }

  public JsonObject device(String device) {
    Response response = get("/api/devices/" + device);
    if (response.status() != 200) {
      throw new AssertionError("device " + device + ": HTTP " + response.status() + " " + response.body());
    }
    return response.json();
  }
}
