package org.telemetryhub.hub.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.telemetryhub.hub.auth.ApiAccess;
import org.telemetryhub.hub.auth.AuthException;
import org.telemetryhub.hub.auth.Authenticator;
import org.telemetryhub.hub.auth.BearerToken;

/**
 * The door of the HTTP API: a request goes on only with a token that allows it (401 JSON without
 * a valid token, 403 JSON when its role does not allow the request). What the token allows is
 * left in the routing context for the routes that filter by device ({@link #of}).
 */
final class AccessHandler implements Handler<RoutingContext> {

  /** What a route needs beyond a valid api or subscriber token. */
  enum Need {
    /** Any valid api or subscriber token; the route filters by device. */
    ANY,
    /** An api token: every device (as /metrics with --metrics-auth). */
    API_TOKEN,
    /** An api token with role admin. */
    ADMIN
  }

  private static final String ACCESS_KEY = "hub.access";

  private final Authenticator authenticator;
  private final Need need;

  AccessHandler(Authenticator authenticator, Need need) {
    this.authenticator = authenticator;
    this.need = need;
  }

  @Override
  public void handle(RoutingContext ctx) {
    authenticator.authenticateApi(BearerToken.of(ctx.request())).onComplete(result -> {
      if (result.failed()) {
        AuthException refused = result.cause() instanceof AuthException auth ? auth
            : new AuthException("credentials could not be checked");
        Json.error(ctx, refused.status(), refused.getMessage());
        return;
      }
      ApiAccess access = result.result();
      if (need == Need.ADMIN || ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD) {
        if (!access.mayAdminister()) {
          Json.error(ctx, 403, "this request needs an api token with role admin");
          return;
        }
      } else if (need == Need.API_TOKEN && !access.readsEverything()) {
        Json.error(ctx, 403, "this request needs an api token (role read or admin)");
        return;
      }
      ctx.put(ACCESS_KEY, access);
      ctx.next();
    });
  }

  /** What the request's token allows; the handler ran before the route. */
  static ApiAccess of(RoutingContext ctx) {
    return ctx.get(ACCESS_KEY);
  }
}
