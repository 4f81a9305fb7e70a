package org.telemetryhub.hub.auth;

import io.vertx.core.Future;

/** Decides whether a token lets its holder connect as a device. */
public interface DeviceAuthenticator {

  /** Succeeds when {@code token} (null when none was sent) names {@code deviceId}; fails with an {@link AuthException}. */
  Future<Void> authenticate(String token, String deviceId);

  /** Accepts everyone: only for local experiments with auth turned off. */
  DeviceAuthenticator OPEN = (token, deviceId) -> Future.succeededFuture();
}
