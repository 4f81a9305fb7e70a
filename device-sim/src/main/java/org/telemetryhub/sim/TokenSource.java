package org.telemetryhub.sim;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.telemetryhub.hub.auth.TokenService;

/** Where each device's token comes from: a file of "id token" lines, a shared secret, or nowhere (auth off). */
public interface TokenSource {

  /** The token of the device, or null to connect without one. */
  String tokenFor(String deviceId);

  /** A subscriber token for the filter, or null to connect without one (or when this source cannot mint one). */
  default String subscriberToken(String filter) {
    return null;
  }

  static TokenSource none() {
    return deviceId -> null;
  }

  /** Mints tokens as a provisioning service would, with the hub's signing secret. */
  static TokenSource fromSecret(Vertx vertx, String secret) {
    TokenService tokens = TokenService.withSecret(vertx, secret);
    return new TokenSource() {
      @Override
      public String tokenFor(String deviceId) {
        return tokens.issueDeviceToken(deviceId, null);
      }

      @Override
      public String subscriberToken(String filter) {
        return tokens.issueSubscriberToken("device-sim", java.util.List.of(filter), null);
      }
    };
  }

  /** Reads "deviceId token" (or "deviceId=token") lines; a device missing from the file is an error. */
  static TokenSource fromFile(Path file) throws IOException {
    Map<String, String> tokens = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] parts = trimmed.split("[\\s=]+", 2);
      if (parts.length != 2) {
        throw new IOException("bad line in " + file + ": expected 'deviceId token', got '" + trimmed + "'");
      }
      tokens.put(parts[0], parts[1]);
    }
    return deviceId -> {
      String token = tokens.get(deviceId);
      if (token == null) {
        throw new IllegalStateException("no token for " + deviceId + " in " + file);
      }
      return token;
    };
  }
}
