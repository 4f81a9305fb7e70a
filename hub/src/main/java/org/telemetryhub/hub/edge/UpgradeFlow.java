package org.telemetryhub.hub.edge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.telemetryhub.hub.auth.AuthException;
import org.telemetryhub.hub.logging.EventLog;
import org.telemetryhub.hub.logging.Refusal;
import org.telemetryhub.hub.internals.UpgradeInternals;

/**
 * The one way an upgrade request becomes an open WebSocket, for both channels, after each
 * channel's own checks of the request (the device id, the origin): 503 while the hub is stopping,
 * the credentials (401, or 403 for valid ones of the wrong role, with a fixed message), 400 for a
 * request that is no upgrade, then the upgrade itself; the connection's deadline ends there.
 */
public final class UpgradeFlow {

  /** Opens the channel's connection on the new socket, on its event loop. */
  @FunctionalInterface
  public interface Opener<T> {
    void open(ServerWebSocket ws, Context context, T credentials);
  }

  /** How a channel upgrades: whether it negotiates permessage-deflate, and what it does when credentials are refused. */
  public record Options(boolean compression, Runnable onCredentialsRefused) {
  }

  /** What a client may send before its upgrade completes: a read's worth (Netty reads at most 64 KiB at a time), twice. */
  private static final int EARLY_FRAMES_MAX_BYTES = 128 * 1024;

  private final ConnectionGuard guard;
  private final BooleanSupplier accepting;

  /** @param accepting false while the hub is stopping: upgrades get 503 */
  public UpgradeFlow(ConnectionGuard guard, BooleanSupplier accepting) {
    this.guard = guard;
    this.accepting = accepting;
  }

  public <T> void upgrade(HttpServerRequest request, String connectionId, Options options, Supplier<Future<T>> credentials,
                          Opener<T> opener) {
    if (!accepting.getAsBoolean()) {
      Refusal.refuse(request, connectionId, 503, "the hub is shutting down");
      return;
    }
    request.pause();
    credentials.get().onComplete(result -> {
      if (result.failed()) {
        options.onCredentialsRefused().run();
        AuthException refused = result.cause() instanceof AuthException auth ? auth
            : new AuthException("credentials could not be checked");
        Refusal.refuse(request, connectionId, refused.status(), refused.getMessage());
      } else if (!request.canUpgradeToWebSocket()) {
        Refusal.refuse(request, connectionId, 400, "expected a WebSocket upgrade request");
      } else {
        if (!options.compression()) {
          UpgradeInternals.refuseCompression(request);
        }
        // Frames a client sent with its upgrade request wait for the socket instead of being lost.
        UpgradeInternals.EarlyFrames early = UpgradeInternals.holdEarlyFrames(request, EARLY_FRAMES_MAX_BYTES);
        request.toWebSocket().onSuccess(ws -> {
          guard.upgraded(request);
          opener.open(ws, Vertx.currentContext(), result.result());
          early.release();
        }).onFailure(e -> {
          early.discard();
          EventLog.refused(connectionId, String.valueOf(request.remoteAddress()), request.path(), 400,
              "upgrade failed: " + e.getMessage());
        });
      }
    });
  }
}
