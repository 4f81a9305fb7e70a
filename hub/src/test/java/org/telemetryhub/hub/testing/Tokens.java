package org.telemetryhub.hub.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.time.Instant;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.auth.TokenService;

/** Device tokens for tests, signed with the test hub's secret or any other. */
public final class Tokens {

  private Tokens() {
  }

  public static String device(String deviceId, Duration validity) {
    return signedWith(TestHub.SECRET, deviceId, validity);
  }

  public static String signedWith(String secret, String deviceId, Duration validity) {
    Vertx vertx = Vertx.vertx();
    try {
      return TokenService.withSecret(vertx, secret).issueDeviceToken(deviceId, validity);
    } finally {
      vertx.close();
    }
  }

  /** An api token signed with the test secret. */
  public static String api(String name, ApiAccess.Role role) {
    Vertx vertx = Vertx.vertx();
    try {
      return TokenService.withSecret(vertx, TestHub.SECRET).issueApiToken(name, role, null);
    } finally {
      vertx.close();
    }
  }

  /** A subscriber token signed with the test secret, granting {@code channels}. */
  public static String subscriber(String name, String... channels) {
    Vertx vertx = Vertx.vertx();
    try {
      return TokenService.withSecret(vertx, TestHub.SECRET).issueSubscriberToken(name, java.util.List.of(channels), null);
    } finally {
      vertx.close();
    }
  }

  /** A subscriber token signed with {@code secret}, valid for {@code validity} (null: no expiry). */
  public static String subscriberSignedWith(String secret, String name, Duration validity, String... channels) {
    Vertx vertx = Vertx.vertx();
    try {
      return TokenService.withSecret(vertx, secret).issueSubscriberToken(name, java.util.List.of(channels), validity);
    } finally {
      vertx.close();
    }
  }

  /** A token signed with the test secret carrying exactly {@code claims} (for malformed ones). */
  public static String withClaims(JsonObject claims) {
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TestHub.SECRET)));
      return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
    } finally {
      vertx.close();
    }
  }

  /** A correctly signed device token whose expiry passed a minute ago. */
  public static String expired(String deviceId) {
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TestHub.SECRET)));
      JsonObject claims = new JsonObject()
          .put("role", "device")
          .put("exp", Instant.now().minusSeconds(60).getEpochSecond());
      return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setSubject(deviceId));
    } finally {
      vertx.close();
    }
  }
}
