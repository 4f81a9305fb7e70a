package org.telemetryhub.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling the hub is measured against: a bare Vert.x 5 WebSocket server that only counts
 * packets and acknowledges each frame with the connection's cumulative count, as the hub's
 * protocol does. No validation, no storage, no liveness, no fan-out. device-sim drives it
 * unchanged (with --no-auth).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.telemetryhub.bench.ReferenceServer PORT</pre>
 */
public final class ReferenceServer extends VerticleBase {

  static final LongAdder PACKETS = new LongAdder();
  private final int port;
  private volatile int actualPort;

  private ReferenceServer(int port) {
    this.port = port;
  }

  /** Port 0 becomes -1: Vert.x then shares one free port among the instances. */
  private static int shared(int port) {
    return port == 0 ? -1 : port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setPort(shared(port)).setHost("127.0.0.1")
            .setMaxWebSocketFrameSize(65536).setMaxWebSocketMessageSize(65536))
        .webSocketHandler(ws -> {
          long[] received = {0};
          ws.binaryMessageHandler(frame -> {
            int packets = frame.length() / 16;
            received[0] += packets;
            PACKETS.add(packets);
            ws.writeTextMessage("{\"ack\":" + received[0] + "}");
          });
        })
        .listen()
        .onSuccess(server -> {
          actualPort = server.actualPort();
          System.out.println("reference server listening on port " + server.actualPort());
        });
  }

  /** Deploys one instance per event loop, all on one port ({@code 0}: a free one); completes with that port. */
  static Future<Integer> deploy(Vertx vertx, int port, int instances) {
    List<ReferenceServer> servers = new CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
      ReferenceServer server = new ReferenceServer(port);
      servers.add(server);
      return server;
    }, new DeploymentOptions().setInstances(instances)).map(id -> servers.get(0).actualPort);
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18200;
    int loops = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true)); // as the hub
    deploy(vertx, port, loops)
        .onSuccess(actual -> System.out.println("reference server ready (" + loops + " event loops)"))
        .onFailure(e -> {
          System.err.println("reference server could not start: " + e.getMessage());
          System.exit(1);
        });
  }
}
