package org.telemetryhub.hub.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.SignatureException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.telemetryhub.hub.address.TopicFilter;

/**
 * Issues and checks the hub's signed tokens: JWT, HS256, with a role claim ({@code device},
 * {@code subscriber} or {@code api}), the subject it names, an issue time and an optional expiry.
 * Checking needs no I/O; the Future is already complete when returned.
 *
 * <p>Tokens are signed with the first secret of a {@link KeyRing} and checked against all of
 * them; the ring can be replaced while the hub runs ({@link #useKeys}). A device token issued at
 * or before the time its device was revoked ({@link Revocations}) is refused.
 *
 * <p>A refused token gets one of a few fixed messages: what the library that parses it says
 * (Jackson's, Base64's) never reaches the client.
 */
public final class TokenService implements Authenticator {

  public static final String ALGORITHM = "HS256";
  public static final String ROLE_CLAIM = "role";
  public static final String ROLE_DEVICE = "device";
  public static final String ROLE_SUBSCRIBER = "subscriber";
  public static final String ROLE_API = "api";
  public static final String CHANNELS_CLAIM = "channels";
  /** For api tokens: read or admin. */
  public static final String ACCESS_CLAIM = "access";

  /** The signing and checking halves of one key ring. */
  private record Keys(JWTAuth signing, JWTAuth checking) {
  }

  private final Vertx vertx;
  private final Revocations revocations;
  private final LongSupplier clockSeconds;
  private volatile Keys keys;

  public TokenService(Vertx vertx, KeyRing ring, Revocations revocations) {
    this(vertx, ring, revocations, () -> System.currentTimeMillis() / 1000);
  }

  TokenService(Vertx vertx, KeyRing ring, Revocations revocations, LongSupplier clockSeconds) {
    this.vertx = vertx;
    this.revocations = revocations;
    this.clockSeconds = clockSeconds;
    useKeys(ring);
  }

  /** A service with one secret and no revocations, as the tools that only issue tokens need. */
  public static TokenService withSecret(Vertx vertx, String secret) {
    return new TokenService(vertx, new KeyRing(List.of(secret)), Revocations.none());
  }

  /** Signs new tokens with the ring's first secret from now on, and accepts tokens of any of its secrets. */
  public void useKeys(KeyRing ring) {
    JWTAuthOptions checking = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    for (String secret : ring.secrets()) {
      checking.addPubSecKey(key(secret));
    }
    keys = new Keys(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key(ring.signing()))),
        JWTAuth.create(vertx, checking));
  }

  private static PubSecKeyOptions key(String secret) {
    return new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret).setId(KeyRing.keyId(secret));
  }

  // ---- issuing ----

  /** A token for one device; {@code validity} null means it never expires. */
  public String issueDeviceToken(String deviceId, Duration validity) {
    return sign(new JsonObject().put(ROLE_CLAIM, ROLE_DEVICE), deviceId, validity);
  }

  /** A token for a subscriber that may use {@code channels} (filters, each checked here). */
  public String issueSubscriberToken(String name, List<String> channels, Duration validity) {
    JsonArray filters = new JsonArray();
    for (String channel : channels) {
      filters.add(TopicFilter.parse(channel.strip()).text());
    }
    return sign(new JsonObject().put(ROLE_CLAIM, ROLE_SUBSCRIBER).put(CHANNELS_CLAIM, filters), name, validity);
  }

  /** A token for the HTTP API with {@code role}. */
  public String issueApiToken(String name, ApiAccess.Role role, Duration validity) {
    return sign(new JsonObject().put(ROLE_CLAIM, ROLE_API).put(ACCESS_CLAIM, role.wireName()), name, validity);
  }

  private String sign(JsonObject claims, String subject, Duration validity) {
    JWTOptions options = new JWTOptions().setAlgorithm(ALGORITHM).setSubject(subject);
    if (validity != null) {
      options.setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, validity.toSeconds()));
    }
    return keys.signing().generateToken(claims, options);
  }

  // ---- checking ----

  @Override
  public Future<Void> authenticate(String token, String deviceId) {
    return verified(token).compose(claims -> {
      if (!ROLE_DEVICE.equals(claims.getValue(ROLE_CLAIM))) {
        return refuse("token is not a device token");
      }
      Object subject = claims.getValue("sub");
      if (!deviceId.equals(subject)) {
        return refuse("token names device '" + subject + "', not '" + deviceId + "'");
      }
      long revokedAt = revocations.revokedAt(deviceId);
      if (revokedAt >= 0 && issuedAt(claims) <= revokedAt) {
        return refuse("token revoked: tokens of device '" + deviceId + "' issued until "
            + Instant.ofEpochSecond(revokedAt) + " are refused; get a new one");
      }
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<SubscriberGrant> authenticateSubscriber(String token) {
    return verified(token).compose(claims -> {
      Object role = claims.getValue(ROLE_CLAIM);
      if (ROLE_API.equals(role)) {
        // An api token reads every device over HTTP, so it may follow every channel live (the web console does).
        return apiAccess(claims).map(access -> new SubscriberGrant(access.name(), List.of(TopicFilter.parse(TopicFilter.REST))));
      }
      if (!ROLE_SUBSCRIBER.equals(role)) {
        return refuse("a " + role + " token cannot subscribe: use a subscriber or api token");
      }
      return grant(claims);
    });
  }

  @Override
  public Future<ApiAccess> authenticateApi(String token) {
    return verified(token).compose(claims -> {
      Object role = claims.getValue(ROLE_CLAIM);
      if (ROLE_SUBSCRIBER.equals(role)) {
        return grant(claims).map(ApiAccess::subscriber);
      }
      if (!ROLE_API.equals(role)) {
        return Future.failedFuture(new AuthException("a " + role + " token gives no access to the HTTP API", true));
      }
      return apiAccess(claims);
    });
  }

  private static Future<ApiAccess> apiAccess(JsonObject claims) {
    try {
      return Future.succeededFuture(ApiAccess.api(String.valueOf(claims.getValue("sub")),
          ApiAccess.Role.fromWire(String.valueOf(claims.getValue(ACCESS_CLAIM)))));
    } catch (IllegalArgumentException e) {
      return refuse("token has no valid '" + ACCESS_CLAIM + "' (read or admin)");
    }
  }

  private static Future<SubscriberGrant> grant(JsonObject claims) {
    List<TopicFilter> channels = new ArrayList<>();
    Object granted = claims.getValue(CHANNELS_CLAIM);
    if (!(granted instanceof JsonArray list)) {
      return refuse("token grants no channels");
    }
    for (Object channel : list) {
      try {
        channels.add(TopicFilter.parse(channel instanceof String text ? text : null));
      } catch (IllegalArgumentException e) {
        return refuse("token grants a " + e.getMessage());
      }
    }
    return Future.succeededFuture(new SubscriberGrant(String.valueOf(claims.getValue("sub")), List.copyOf(channels)));
  }

  /** The token's claims when its signature holds and its times are valid now. */
  private Future<JsonObject> verified(String token) {
    if (token == null || token.isBlank()) {
      return refuse("missing credentials: send 'Authorization: Bearer <token>' or '?token=<token>'");
    }
    Future<User> user;
    try {
      user = keys.checking().authenticate(new TokenCredentials(token));
    } catch (RuntimeException malformedClaims) {
      return refuse("invalid token: its claims are malformed");
    }
    return user.transform(result -> {
      if (result.failed()) {
        return refuse(whyRefused(result.cause()));
      }
      JsonObject claims = result.result().attributes().getJsonObject("accessToken");
      String problem = claims == null ? "invalid token: no claims" : timeProblem(claims);
      return problem == null ? Future.succeededFuture(claims) : refuse(problem);
    });
  }

  private static String whyRefused(Throwable cause) {
    if (cause instanceof SignatureException || cause instanceof NoSuchKeyIdException) {
      return "invalid token: its signature does not match a key of this hub";
    }
    return "invalid token: not a well-formed signed token";
  }

  /** Checks exp (must be in the future), nbf (in the past) and iat (not in the future): numbers, where present. */
  private String timeProblem(JsonObject claims) {
    long now = clockSeconds.getAsLong();
    for (String claim : List.of("exp", "nbf", "iat")) {
      Object value = claims.getValue(claim);
      if (value != null && !(value instanceof Number)) {
        return "invalid token: claim '" + claim + "' must be a number of seconds";
      }
    }
    if (claims.getValue("exp") instanceof Number exp && now >= exp.longValue()) {
      return "token expired at " + Instant.ofEpochSecond(exp.longValue());
    }
    if (claims.getValue("nbf") instanceof Number nbf && now < nbf.longValue()) {
      return "token not valid before " + Instant.ofEpochSecond(nbf.longValue());
    }
    if (claims.getValue("iat") instanceof Number iat && iat.longValue() > now) {
      return "invalid token: issued in the future";
    }
    return null;
  }

  /** The issue time, or 0 for a token without one (then any revocation of its device refuses it). */
  private static long issuedAt(JsonObject claims) {
    return claims.getValue("iat") instanceof Number iat ? iat.longValue() : 0;
  }

  private static <T> Future<T> refuse(String why) {
    return Future.failedFuture(new AuthException(why));
  }
}
