package org.telemetryhub.hub.auth;

import io.vertx.core.Future;
import java.util.List;
import org.telemetryhub.hub.address.TopicFilter;

/** Decides whether a token lets its holder connect, as a device or as a subscriber. */
public interface Authenticator {

  /**
   * The session's credentials when {@code token} (null when none was sent) names {@code deviceId};
   * fails with an {@link AuthException}.
   */
  Future<Credentials> authenticate(String token, String deviceId);

  /** The subscriber's name and the channel filters it may use; fails with an {@link AuthException}. */
  Future<SubscriberGrant> authenticateSubscriber(String token);

  /** What the token lets its holder do with the HTTP API (api and subscriber tokens); fails with an {@link AuthException}. */
  Future<ApiAccess> authenticateApi(String token);

  /** Accepts everyone, subscribers to every channel: only for local experiments with auth turned off. */
  Authenticator OPEN = new Authenticator() {
    @Override
    public Future<Credentials> authenticate(String token, String deviceId) {
      return Future.succeededFuture(Credentials.open(TokenKind.DEVICE, deviceId));
    }

    @Override
    public Future<SubscriberGrant> authenticateSubscriber(String token) {
      return Future.succeededFuture(new SubscriberGrant("anonymous", List.of(TopicFilter.parse(TopicFilter.REST)),
          Credentials.open(TokenKind.SUBSCRIBER, "anonymous")));
    }

    @Override
    public Future<ApiAccess> authenticateApi(String token) {
      return Future.succeededFuture(ApiAccess.OPEN);
    }
  };
}
