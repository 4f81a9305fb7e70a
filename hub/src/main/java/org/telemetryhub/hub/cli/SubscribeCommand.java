package org.telemetryhub.hub.cli;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.telemetryhub.hub.client.Backoff;
import org.telemetryhub.hub.client.ResumePoint;
import org.telemetryhub.hub.client.WebSocketTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hub subscribe 'readings/+'}: prints every message of the channels as one JSON line each,
 * until interrupted; reconnects with backoff and subscribes again after a lost connection.
 */
@Command(name = "subscribe", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Prints the messages of channels as JSON lines until interrupted (Ctrl-C).",
        "Reconnects with backoff (1 s doubling to 30 s, plus jitter) and subscribes again, resuming readings from the "
            + "hub's store: none missed, none printed twice."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"2:bad options", "3:the hub refused the token", "130:interrupted (Ctrl-C), the normal end"})
public final class SubscribeCommand implements Callable<Integer> {

  static final int EXIT_REFUSED = 3;

  @Parameters(arity = "1..*", paramLabel = "FILTER", description = "Channel filters, such as readings/+ or status/#.")
  List<String> filters;

  @Option(names = "--url", defaultValue = "ws://127.0.0.1:8080", description = "The hub. Default: ${DEFAULT-VALUE}.")
  URI url;

  @Option(names = "--token", description = "A subscriber token ('hub token --subscriber ...'); none for a hub with --no-auth.")
  String token;

  @Option(names = "--last", description = "Start with the latest retained message of every matching topic.")
  boolean last;

  @Option(names = "--policy", defaultValue = "conflate", description = "When this client is too slow: conflate, drop-oldest "
      + "or disconnect. Default: ${DEFAULT-VALUE}.")
  String policy;

  @Option(names = "--compress", description = "Ask for permessage-deflate.")
  boolean compress;

  @Mixin
  TrustOptions trust;

  private Vertx vertx;
  private WebSocketClient client;
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom());
  private final CountDownLatch refused = new CountDownLatch(1);
  private final ResumePoint resume = new ResumePoint();

  @Override
  public Integer call() throws InterruptedException {
    vertx = Vertx.vertx();
    client = vertx.createWebSocketClient(trust.applyTo(new WebSocketClientOptions().setTryUsePerMessageCompression(compress)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20).setVerifyHost(!trust.skipsHostnameCheck())));
    connect();
    refused.await(); // otherwise runs until Ctrl-C
    vertx.close();
    return EXIT_REFUSED;
  }

  private void connect() {
    client.connect(WebSocketTarget.connectOptions(url, "/ws/subscribe", token)).onSuccess(ws -> {
      backoff.reset();
      System.err.println("subscribe: connected to " + url + ", subscribing to " + filters);
      ws.textMessageHandler(message -> {
        if (resume.accept(new JsonObject(message))) {
          System.out.println(message);
          System.out.flush();
        }
      });
      ws.closeHandler(ignored -> {
        resume.dropped(System.currentTimeMillis() / 1000);
        System.err.println("subscribe: connection closed (" + ws.closeStatusCode() + " " + ws.closeReason() + ")");
        reconnectLater();
      });
      JsonObject subscribe = new JsonObject().put("action", "subscribe").put("channels", new JsonArray(filters))
          .put("last", last).put("policy", policy).put("id", "subscribe");
      Long since = resume.since();
      if (since != null) {
        // After a reconnect: the readings missed meanwhile come from the hub's store first.
        subscribe.put("since", since);
        System.err.println("subscribe: resuming readings after " + since);
      }
      ws.writeTextMessage(subscribe.encode());
    }).onFailure(failure -> {
      if (failure instanceof UpgradeRejectedException rejected && (rejected.getStatus() == 401 || rejected.getStatus() == 403)) {
        System.err.println("subscribe: the hub refused the connection (HTTP " + rejected.getStatus() + "): check --token");
        refused.countDown();
        return;
      }
      System.err.println("subscribe: cannot connect to " + url + ": " + failure.getMessage());
      reconnectLater();
    });
  }

  private void reconnectLater() {
    long delay = backoff.nextDelayMillis();
    System.err.println("subscribe: reconnecting in " + delay + " ms");
    vertx.setTimer(delay, id -> connect());
  }
}
