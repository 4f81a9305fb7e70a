package org.telemetryhub.hub.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;

/**
 * Issues and checks the hub's signed tokens: JWT, HS256, subject = device id, role = device,
 * optional expiry. Checking needs no I/O; the Future is already complete when returned.
 */
public final class TokenService implements DeviceAuthenticator {

  public static final String ALGORITHM = "HS256";
  public static final String ROLE_CLAIM = "role";
  public static final String ROLE_DEVICE = "device";

  private final JWTAuth jwt;

  public TokenService(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret)));
  }

  /** A token for one device; {@code validity} null means it never expires. */
  public String issueDeviceToken(String deviceId, Duration validity) {
    JWTOptions options = new JWTOptions().setAlgorithm(ALGORITHM).setSubject(deviceId);
    if (validity != null) {
      options.setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, validity.toSeconds()));
    }
    return jwt.generateToken(new JsonObject().put(ROLE_CLAIM, ROLE_DEVICE), options);
  }

  @Override
  public Future<Void> authenticate(String token, String deviceId) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new AuthException(
          "missing credentials: send 'Authorization: Bearer <token>' or '?token=<token>'"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new AuthException("invalid token: " + e.getMessage())))
        .compose(user -> {
          JsonObject claims = user.principal();
          if (!ROLE_DEVICE.equals(claims.getString(ROLE_CLAIM))) {
            return Future.failedFuture(new AuthException("token is not a device token"));
          }
          String subject = claims.getString("sub");
          if (!deviceId.equals(subject)) {
            return Future.failedFuture(new AuthException("token names device '" + subject + "', not '" + deviceId + "'"));
          }
          return Future.succeededFuture();
        });
  }
}
