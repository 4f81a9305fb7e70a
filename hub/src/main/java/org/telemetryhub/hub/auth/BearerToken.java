package org.telemetryhub.hub.auth;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** Where a WebSocket client puts its token: {@code Authorization: Bearer <token>}, or {@code ?token=} for clients that cannot set headers. */
public final class BearerToken {

  private static final String BEARER = "Bearer ";

  private BearerToken() {
  }

  /** The token of the request, or null when it carries none. */
  public static String of(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return header.substring(BEARER.length()).trim();
    }
    return request.getParam("token");
  }
}
