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
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SignatureException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.telemetryhub.hub.address.TopicFilter;

/**
 * Issues and checks the hub's signed tokens: JWT, HS256, with a role claim ({@code device},
 * {@code subscriber} or {@code api}), the subject it names, an issue time and an optional expiry.
 * Checking needs no I/O; the Future is already complete when returned.
 *
 * <p>Tokens are signed with the first secret of a {@link KeyRing} and checked against all of
 * them; the ring can be replaced while the hub runs ({@link #useKeys}), and the sessions of a
 * dropped secret are told to end. A token issued at or before the time its subject (a device, a
 * subscriber name, an api name) was revoked ({@link Revocations}) is refused.
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

  /** The signing and checking halves of one key ring, and its secrets by key id (the ids shared by every session). */
  private record Keys(JWTAuth signing, JWTAuth checking, Map<String, String> secretsById) {

    /** The ring's own instance of {@code keyId}, or null when the ring has no such key. */
    String keyId(String keyId) {
      for (String id : secretsById.keySet()) {
        if (id.equals(keyId)) {
          return id;
        }
      }
      return null;
    }
  }

  /** A token whose signature holds and whose times are valid now: its claims, and the id of the secret that signed it. */
  private record Checked(JsonObject claims, String keyId) {
  }

  private final Vertx vertx;
  private final Revocations revocations;
  private final LongSupplier clockSeconds;
  private final List<Consumer<Set<String>>> keyListeners = new CopyOnWriteArrayList<>();
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

  /**
   * Signs new tokens with the ring's first secret from now on, and accepts tokens of any of its
   * secrets; then tells the listeners the key ids now accepted (sessions of a dropped secret end).
   */
  public void useKeys(KeyRing ring) {
    JWTAuthOptions checking = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
    Map<String, String> secretsById = new LinkedHashMap<>();
    for (String secret : ring.secrets()) {
      checking.addPubSecKey(key(secret));
      secretsById.put(KeyRing.keyId(secret), secret);
    }
    keys = new Keys(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key(ring.signing()))),
        JWTAuth.create(vertx, checking), Map.copyOf(secretsById));
    Set<String> accepted = Set.copyOf(secretsById.keySet());
    keyListeners.forEach(listener -> listener.accept(accepted));
  }

  /** Told the key ids accepted after every change of the ring: open sessions signed by any other key must end. */
  public void onKeysChanged(Consumer<Set<String>> listener) {
    keyListeners.add(listener);
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
  public Future<Credentials> authenticate(String token, String deviceId) {
    return verified(token).compose(checked -> {
      JsonObject claims = checked.claims();
      if (!ROLE_DEVICE.equals(claims.getValue(ROLE_CLAIM))) {
        return refuse("token is not a device token");
      }
      Object subject = claims.getValue("sub");
      if (!deviceId.equals(subject)) {
        return refuse("token names device '" + subject + "', not '" + deviceId + "'");
      }
      return credentials(TokenKind.DEVICE, deviceId, checked);
    });
  }

  @Override
  public Future<SubscriberGrant> authenticateSubscriber(String token) {
    return verified(token).compose(checked -> {
      JsonObject claims = checked.claims();
      Object role = claims.getValue(ROLE_CLAIM);
      if (ROLE_API.equals(role)) {
        // An api token reads every device over HTTP, so it may follow every channel live (the web console does).
        return apiAccess(claims).compose(access -> credentials(TokenKind.API, access.name(), checked)
            .map(credentials -> new SubscriberGrant(access.name(), List.of(TopicFilter.parse(TopicFilter.REST)), credentials)));
      }
      if (!ROLE_SUBSCRIBER.equals(role)) {
        return refuse("a " + role + " token cannot subscribe: use a subscriber or api token");
      }
      return grant(checked);
    });
  }

  @Override
  public Future<ApiAccess> authenticateApi(String token) {
    return verified(token).compose(checked -> {
      Object role = checked.claims().getValue(ROLE_CLAIM);
      if (ROLE_SUBSCRIBER.equals(role)) {
        return grant(checked).map(ApiAccess::subscriber);
      }
      if (!ROLE_API.equals(role)) {
        return Future.failedFuture(new AuthException("a " + role + " token gives no access to the HTTP API", true));
      }
      return apiAccess(checked.claims()).compose(access -> credentials(TokenKind.API, access.name(), checked).map(access));
    });
  }

  /**
   * The session a checked token opens, unless the tokens of its subject were revoked after it was
   * issued: then refused, with when.
   */
  private Future<Credentials> credentials(TokenKind kind, String subject, Checked checked) {
    long revokedAt = revocations.revokedAt(kind.revocationKey(subject));
    if (revokedAt >= 0 && issuedAt(checked.claims()) <= revokedAt) {
      return refuse("token revoked: tokens of " + kind.wireName() + " '" + subject + "' issued until "
          + Instant.ofEpochSecond(revokedAt) + " are refused; get a new one");
    }
    long expiresAt = checked.claims().getValue("exp") instanceof Number exp
        ? Math.multiplyExact(exp.longValue(), 1000L) : Credentials.NEVER;
    return Future.succeededFuture(new Credentials(kind, subject, checked.keyId(), expiresAt));
  }

  private static Future<ApiAccess> apiAccess(JsonObject claims) {
    try {
      return Future.succeededFuture(ApiAccess.api(String.valueOf(claims.getValue("sub")),
          ApiAccess.Role.fromWire(String.valueOf(claims.getValue(ACCESS_CLAIM)))));
    } catch (IllegalArgumentException e) {
      return refuse("token has no valid '" + ACCESS_CLAIM + "' (read or admin)");
    }
  }

  private Future<SubscriberGrant> grant(Checked checked) {
    JsonObject claims = checked.claims();
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
    String name = String.valueOf(claims.getValue("sub"));
    return credentials(TokenKind.SUBSCRIBER, name, checked).map(credentials -> new SubscriberGrant(name, List.copyOf(channels),
        credentials));
  }

  /** The token's claims and key id when its signature holds and its times are valid now. */
  private Future<Checked> verified(String token) {
    if (token == null || token.isBlank()) {
      return refuse("missing credentials: send 'Authorization: Bearer <token>' or '?token=<token>'");
    }
    Keys ring = keys;
    Future<User> user;
    try {
      user = ring.checking().authenticate(new TokenCredentials(token));
    } catch (RuntimeException malformedClaims) {
      return refuse("invalid token: its claims are malformed");
    }
    return user.transform(result -> {
      if (result.failed()) {
        return refuse(whyRefused(result.cause()));
      }
      JsonObject claims = result.result().attributes().getJsonObject("accessToken");
      String problem = claims == null ? "invalid token: no claims" : timeProblem(claims);
      return problem == null ? Future.succeededFuture(new Checked(claims, keyIdOf(token, ring))) : refuse(problem);
    });
  }

  /**
   * The id of the ring's secret that signed {@code token} (its signature is known to hold): the
   * {@code kid} of its header, or for a token from before key ids, the secret whose HMAC matches.
   */
  private static String keyIdOf(String token, Keys ring) {
    String[] parts = token.split("\\.");
    try {
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      String kid = ring.keyId(header.getString("kid"));
      if (kid != null) {
        return kid;
      }
      byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
      for (Map.Entry<String, String> key : ring.secretsById().entrySet()) {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getValue().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        if (MessageDigest.isEqual(signature, mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII)))) {
          return key.getKey();
        }
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      // a token that verified is well formed; if it were not, it has no key of this ring
    }
    return null;
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
