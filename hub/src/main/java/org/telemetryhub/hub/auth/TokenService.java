package org.telemetryhub.hub.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.telemetryhub.hub.pubsub.TopicFilter;

/**
 * Issues and checks the hub's signed tokens: JWT, HS256, subject = device id, role = device,
 * optional expiry. Checking needs no I/O; the Future is already complete when returned.
 */
public final class TokenService implements Authenticator {

  public static final String ALGORITHM = "HS256";
  public static final String ROLE_CLAIM = "role";
  public static final String ROLE_DEVICE = "device";
  public static final String ROLE_SUBSCRIBER = "subscriber";
  public static final String CHANNELS_CLAIM = "channels";

  private final JWTAuth jwt;

  public TokenService(Vertx vertx, String secret) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret)));
  }

  /** A token for one device; {@code validity} null means it never expires. */
  public String issueDeviceToken(String deviceId, Duration validity) {
    return jwt.generateToken(new JsonObject().put(ROLE_CLAIM, ROLE_DEVICE), options(deviceId, validity));
  }

  private static JWTOptions options(String subject, Duration validity) {
    JWTOptions options = new JWTOptions().setAlgorithm(ALGORITHM).setSubject(subject);
    if (validity != null) {
      options.setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, validity.toSeconds()));
    }
    return options;
  }

  /** A token for a subscriber that may use {@code channels} (filters, each checked here). */
  public String issueSubscriberToken(String name, List<String> channels, Duration validity) {
    JsonArray filters = new JsonArray();
    for (String channel : channels) {
      filters.add(TopicFilter.parse(channel.strip()).text());
    }
    return jwt.generateToken(new JsonObject().put(ROLE_CLAIM, ROLE_SUBSCRIBER).put(CHANNELS_CLAIM, filters),
        options(name, validity));
  }

  @Override
  public Future<SubscriberGrant> authenticateSubscriber(String token) {
    return verified(token).compose(claims -> {
      if (!ROLE_SUBSCRIBER.equals(claims.getString(ROLE_CLAIM))) {
        return Future.failedFuture(new AuthException("token is not a subscriber token"));
      }
      List<TopicFilter> channels = new ArrayList<>();
      JsonArray granted = claims.getJsonArray(CHANNELS_CLAIM, new JsonArray());
      for (Object channel : granted) {
        try {
          channels.add(TopicFilter.parse(String.valueOf(channel)));
        } catch (IllegalArgumentException e) {
          return Future.failedFuture(new AuthException("token grants a " + e.getMessage()));
        }
      }
      return Future.succeededFuture(new SubscriberGrant(claims.getString("sub"), List.copyOf(channels)));
    });
  }

  private Future<JsonObject> verified(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new AuthException(
          "missing credentials: send 'Authorization: Bearer <token>' or '?token=<token>'"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new AuthException("invalid token: " + e.getMessage())))
        .map(user -> user.principal());
  }

  @Override
  public Future<Void> authenticate(String token, String deviceId) {
    return verified(token).compose(claims -> {
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
