package org.telemetryhub.hub;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.backend.StoreOptions;
import org.telemetryhub.hub.cluster.ClusterOptions;
import org.telemetryhub.hub.edge.EdgeOptions;
import org.telemetryhub.hub.liveness.LivenessOptions;
import org.telemetryhub.hub.websocket.Heartbeats;
import org.telemetryhub.hub.alerts.AlertEngine;
import org.telemetryhub.hub.alerts.AlertsView;
import org.telemetryhub.hub.api.ApiRoutes;
import org.telemetryhub.hub.auth.Authenticator;
import org.telemetryhub.hub.auth.Revocations;
import org.telemetryhub.hub.auth.SecretFile;
import org.telemetryhub.hub.auth.TokenService;
import org.telemetryhub.hub.cluster.Cluster;
import org.telemetryhub.hub.config.DurationConverter;
import org.telemetryhub.hub.device.DeviceChannel;
import org.telemetryhub.hub.device.DeviceEndpoint;
import org.telemetryhub.hub.edge.ConnectionGuard;
import org.telemetryhub.hub.edge.ConnectionLimits;
import org.telemetryhub.hub.edge.HandshakeRate;
import org.telemetryhub.hub.edge.UpgradeFlow;
import org.telemetryhub.hub.edge.UpgradeGate;
import org.telemetryhub.hub.fanout.AlertFanOut;
import org.telemetryhub.hub.fanout.ReadingFanOut;
import org.telemetryhub.hub.fanout.StatusFanOut;
import org.telemetryhub.hub.files.FileWatcher;
import org.telemetryhub.hub.files.OwnerOnlyFiles;
import org.telemetryhub.hub.liveness.DeviceDirectory;
import org.telemetryhub.hub.liveness.DeviceRegistry;
import org.telemetryhub.hub.liveness.SilencePolicy;
import org.telemetryhub.hub.liveness.FleetView;
import org.telemetryhub.hub.metrics.HubMetrics;
import org.telemetryhub.hub.metrics.MicrometerHubMetrics;
import org.telemetryhub.hub.metrics.PrometheusEndpoint;
import org.telemetryhub.hub.metrics.RuntimeMeters;
import org.telemetryhub.hub.protocol.Reading;
import org.telemetryhub.hub.protocol.ReadingValidator;
import org.telemetryhub.hub.pubsub.Broker;
import org.telemetryhub.hub.pubsub.LocalBroker;
import org.telemetryhub.hub.pubsub.StoreReplay;
import org.telemetryhub.hub.pubsub.SubscriberChannel;
import org.telemetryhub.hub.pubsub.SubscriberEndpoint;
import org.telemetryhub.hub.store.EventSink;
import org.telemetryhub.hub.store.ReadingStore;
import org.telemetryhub.hub.store.RetentionTask;
import org.telemetryhub.hub.store.StoreException;
import org.telemetryhub.hub.backend.StoreBackend;
import org.telemetryhub.hub.store.StoreWriter;
import org.telemetryhub.hub.internals.UpgradeInternals;

/**
 * A running hub: builds the parts from its options, starts them in order and stops them in
 * reverse, gracefully. Decides nothing itself.
 */
public final class Hub {

  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
  /** Source addresses whose handshake rate is tracked at once; a flood of distinct addresses resets the table. */
  private static final int MAX_RATE_TRACKED_ADDRESSES = 100_000;

  private final HubOptions options;
  private final Vertx vertx;
  private final Cluster cluster;
  private final ReadingStore store;
  private final StoreWriter writer;
  private final DeviceChannel devices;
  private final SubscriberChannel subscribers;
  private final RetentionTask retention;
  private final CompositeMeterRegistry meters;
  private final RuntimeMeters runtimeMeters;
  private volatile boolean accepting = true;
  private volatile int port;

  private Hub(HubOptions options, Vertx vertx, Cluster cluster, ReadingStore store, StoreWriter writer, DeviceChannel devices,
              SubscriberChannel subscribers, RetentionTask retention, CompositeMeterRegistry meters, RuntimeMeters runtimeMeters) {
    this.options = options;
    this.vertx = vertx;
    this.cluster = cluster;
    this.store = store;
    this.writer = writer;
    this.devices = devices;
    this.subscribers = subscribers;
    this.retention = retention;
    this.meters = meters;
    this.runtimeMeters = runtimeMeters;
  }

  /**
   * Starts a hub and returns once it listens. Blocks (it opens files): call it from a main or
   * test thread, never from an event loop.
   */
  public static Hub start(HubOptions options) throws Exception {
    Clock clock = Clock.systemUTC();
    PrometheusEndpoint prometheus = new PrometheusEndpoint();
    // Every meter goes to the Prometheus endpoint and, when the store backend has one, where it pushes them.
    CompositeMeterRegistry meters = new CompositeMeterRegistry();
    meters.add(prometheus.registry());
    RuntimeMeters runtimeMeters = RuntimeMeters.bindTo(meters);
    VertxOptions vertxOptions = new VertxOptions()
        .setEventLoopPoolSize(options.listen().eventLoopCount())
        .setPreferNativeTransport(true)
        // The route label tells REST requests, console files and the two WebSocket upgrades apart.
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).addLabels(Label.HTTP_ROUTE));
    VertxBuilder builder = Vertx.builder().with(vertxOptions).withMetrics(new MicrometerMetricsFactory(meters));
    if (options.cluster() != null && options.cluster().tls() != null) {
      checkClusterCertificate(options.cluster().tls());
    }
    Cluster cluster = options.cluster() != null ? Cluster.join(builder, vertxOptions, options.cluster(), meters) : null;
    Vertx vertx = cluster != null ? cluster.vertx() : builder.build();
    StoreBackend backend = null;
    StoreWriter startedWriter = null;
    try {
      OwnerOnlyFiles.createDirectories(options.dataDir());
      Revocations revocations = Revocations.load(options.dataDir());
      Authenticator authenticator = authenticator(options, vertx, revocations);
      StoreOptions storeOptions = options.store();
      backend = StoreBackend.open(vertx, new StoreBackend.Choice(storeOptions.kind(), options.dataDir(), storeOptions.shardCount(),
          storeOptions.influx(), storeOptions.kafka(), storeOptions.retention(), options.nodeName()));
      if (backend.pushedMeters() != null) {
        meters.add(backend.pushedMeters());
      }
      ReadingStore store = backend.store();
      HubMetrics metrics = new MicrometerHubMetrics(meters);
      StoreWriter writer = new StoreWriter(store, options.writer().batchSize(), options.writer().batchMaxAge(),
          options.writer().queueCapacity(), metrics);

      // Where readings, state changes and alerts go: each a component with a name (package fanout).
      // In a cluster they also reach other nodes' subscribers, and every node answers for every device.
      LocalBroker localBroker = new LocalBroker();
      Broker broker = cluster != null ? cluster.broker(localBroker) : localBroker;
      AlertEngine alerts = new AlertEngine(options.alertRules(), new AlertFanOut(broker, backend.events()));
      LivenessOptions liveness = options.liveness();
      SilencePolicy silence = new SilencePolicy(liveness.silentAfter(), liveness.silentMissedIntervals(), liveness.silentAfterMin(),
          liveness.silentAfterMax());
      Heartbeats heartbeats = new Heartbeats(liveness.heartbeatInterval(), liveness.heartbeatTimeout());
      DeviceRegistry registry = new DeviceRegistry(clock, silence, new StatusFanOut(broker, backend.events()),
          options.nodeName());
      metrics.registerDeviceStates(registry::count);
      DeviceDirectory directory = cluster != null
          ? cluster.directory(registry, alerts, revocations, new StatusFanOut(localBroker, EventSink.NONE),
              new StatusFanOut(localBroker, backend.events()), clock)
          : registry;
      FleetView fleet = cluster != null ? cluster.fleet() : FleetView.of(registry);
      AlertsView alertsView = cluster != null ? cluster.alerts() : AlertsView.of(alerts);
      DeviceChannel devices = new DeviceChannel(directory, writer,
          new ReadingValidator(options.devices().validRanges(storeOptions.retention())),
          new ReadingFanOut(broker, alerts), device -> latestStored(vertx, store, device), metrics, clock, heartbeats,
          options.devices());
      if (cluster != null) {
        cluster.commitBarrier(writer::barrier);
      }
      StoreReplay replay = new StoreReplay(store, writer, cluster == null ? null : cluster::barrier, fleet,
          options.subscribers().resumeLimit());
      SubscriberChannel subscribers = new SubscriberChannel(broker, fleet, replay, metrics, options.subscribers(), heartbeats);
      // A session ends with its credentials: when its secret is dropped, or its subscriber or api name revoked
      // (a revoked device is closed by the revocation itself; an expired token by its connection).
      if (authenticator instanceof TokenService tokens) {
        tokens.onKeysChanged(accepted -> {
          devices.endSessionsOfRetiredSecrets(accepted);
          subscribers.endSessionsOfRetiredSecrets(accepted);
        });
      }
      revocations.onRecorded((key, epochSeconds) -> subscribers.endRevokedSessions(key));
      RetentionTask retention = new RetentionTask(vertx, store, storeOptions.retention(), clock);
      Hub hub = new Hub(options, vertx, cluster, store, writer, devices, subscribers, retention, meters, runtimeMeters);

      // The edge: what a connection passes before it reaches a channel.
      EdgeOptions edge = options.edge();
      ConnectionGuard guard = new ConnectionGuard(vertx,
          new ConnectionLimits(edge.connectionLimit(), edge.connectionLimitPerAddress()), metrics,
          edge.headerTimeout(), edge.upgradeTimeout(), edge.idleTimeout());
      UpgradeGate upgradeGate = new UpgradeGate(new HandshakeRate(edge.handshakeRatePerAddress(),
          10.0 * edge.handshakeRatePerAddress(), MAX_RATE_TRACKED_ADDRESSES, System::nanoTime), metrics);
      UpgradeFlow upgrades = new UpgradeFlow(guard, () -> hub.accepting);
      ApiRoutes routes = new ApiRoutes(fleet, directory, store, writer, prometheus, alertsView,
          new DeviceEndpoint(devices, authenticator, upgrades),
          new SubscriberEndpoint(subscribers, authenticator, options.subscribers().allowedOrigins(), upgrades),
          upgradeGate, authenticator, revocations, options.auth().metricsAuth(), () -> hub.accepting, clock, options.nodeName());
      writer.start();
      startedWriter = writer;
      if (cluster != null) {
        cluster.start();
      }
      listKnownDevices(store, registry);
      vertx.setPeriodic(silence.sweepInterval().toMillis(), id -> registry.sweepSilence());
      hub.listen(routes, guard);
      retention.start(storeOptions.retentionCheckInterval());
      String node = cluster != null ? "cluster node " + options.nodeName() + ", " : "";
      LOG.info("hub listening on port {} ({}{}, {} event loops, {} transport, store {}, auth {}, at most {} connections, {} per "
              + "address)", hub.port, node, options.listen().tlsEnabled() ? "TLS: https and wss" : "plain: http and ws",
          options.listen().eventLoopCount(),
          vertx.isNativeTransportEnabled() ? "native epoll" : "Java NIO", store.describe(),
          options.auth().enabled() ? "on" : "OFF", edge.connectionLimit(), edge.connectionLimitPerAddress());
      return hub;
    } catch (Exception e) {
      // Nothing was acked yet: the lanes stop before the store they write to closes.
      if (startedWriter != null) {
        startedWriter.stop(options.shutdownTimeout());
      }
      if (backend != null) {
        backend.store().close();
      }
      runtimeMeters.close();
      vertx.close();
      throw e;
    }
  }

  /** A cluster certificate whose key is another's would fail every handshake between the nodes: said before joining. */
  private static void checkClusterCertificate(ClusterOptions.Tls tls) throws java.io.IOException {
    Vertx probe = Vertx.vertx();
    try {
      TlsFiles.checkPair(probe, tls.certificate(), tls.key());
    } finally {
      probe.close();
    }
  }

  /** Lists the devices of the store (offline, with their newest reading) before the first request asks. */
  private static void listKnownDevices(ReadingStore store, DeviceRegistry registry) {
    try {
      List<Reading> newest = store.latestReadings();
      newest.forEach(registry::knownFromStore);
      LOG.info("{} devices known from the store, listed offline until they connect", newest.size());
    } catch (StoreException | RuntimeException e) {
      LOG.warn("devices known from the store are not listed until they connect: {}", e.getMessage());
    }
  }

  private static Future<Long> latestStored(Vertx vertx, ReadingStore store, String device) {
    return vertx.executeBlocking(() -> store.latestTimestamp(device), false);
  }

  /**
   * Signed tokens from the configured secrets; a secret file is re-read when it changes, so a
   * rotation needs no restart.
   */
  private static Authenticator authenticator(HubOptions options, Vertx vertx, Revocations revocations)
      throws java.io.IOException {
    if (!options.auth().enabled()) {
      LOG.warn("authentication is OFF (--no-auth): any client can send readings as any device and read everything");
      return Authenticator.OPEN;
    }
    TokenService tokens = new TokenService(vertx, TokenSecrets.load(options.auth(), options.dataDir()), revocations);
    Path secretFile = TokenSecrets.file(options.auth(), options.dataDir());
    if (secretFile != null) {
      new FileWatcher(vertx, "token secrets", List.of(secretFile), () -> tokens.useKeys(SecretFile.read(secretFile)))
          .start(options.listen().reloadCheckInterval());
    }
    return tokens;
  }

  /**
   * Listens with one server per event loop. Vert.x shares one listening socket among servers
   * with the same host and port; for "any free port" that takes a negative port (-1), since
   * servers on port 0 would each get a port of their own.
   */
  private void listen(ApiRoutes routes, ConnectionGuard guard) throws Exception {
    ListenOptions listen = options.listen();
    HttpServerOptions serverOptions = serverOptions(listen.port() == 0 ? -1 : listen.port());
    TlsFiles tls = listen.tlsEnabled()
        ? new TlsFiles(listen.tlsCert(), listen.tlsKey(), options.edge().headerTimeout().toMillis()) : null;
    if (tls != null) {
      tls.applyTo(vertx, serverOptions);
    }
    List<HttpVerticle> servers = new CopyOnWriteArrayList<>();
    // A compressed request inflates to at most one byte over the limit: the limit's own check then refuses it (1009).
    var compression = UpgradeInternals.boundedCompression(options.subscribers().maxRequestBytes() + 1);
    await(vertx.deployVerticle(() -> {
      HttpVerticle server = new HttpVerticle(routes, guard, serverOptions, compression);
      servers.add(server);
      return server;
    }, new DeploymentOptions().setInstances(listen.eventLoopCount())));
    port = servers.get(0).actualPort();
    for (HttpVerticle server : servers) {
      if (server.actualPort() != port) {
        throw new IllegalStateException("servers listen on different ports: " + port + " and " + server.actualPort());
      }
    }
    if (tls != null) {
      // A renewed certificate is served to new connections without a restart.
      new FileWatcher(vertx, "TLS certificate and key", List.of(tls.certificate(), tls.key()), () -> {
        var ssl = tls.read(vertx);
        for (HttpVerticle server : servers) {
          await(server.updateSsl(ssl));
        }
      }).start(listen.reloadCheckInterval());
    }
  }

  private HttpServerOptions serverOptions(int listenPort) {
    return new HttpServerOptions()
        .setHost(options.listen().host())
        .setPort(listenPort)
        // The frame decoder's limit; each channel limits its whole messages itself (MessageAssembler).
        .setMaxWebSocketFrameSize(Math.max(options.devices().maxFrameSize(), options.subscribers().maxRequestBytes()))
        .setMaxWebSocketMessageSize(Math.max(options.devices().maxFrameSize(), options.subscribers().maxRequestBytes()))
        // After the hub's close frame, how long it waits for the peer's before dropping the TCP
        // connection. After a refused frame the decoder discards everything, the peer's close frame
        // too, so this wait is what a peer sees before its close handler runs.
        .setWebSocketClosingTimeout(1)
        // permessage-deflate for subscribers who ask for it, its inflation bounded (HttpVerticle);
        // DeviceEndpoint keeps devices out of it.
        .setPerMessageWebSocketCompressionSupported(true)
        .setPerFrameWebSocketCompressionSupported(false)
        // HTTP/1.1 only: the API gains nothing from h2c, and a test client's h2c upgrade of /metrics
        // was seen to hang once in a while; clients that ask for it simply stay on HTTP/1.1.
        .setHttp2ClearTextEnabled(false);
  }

  public int port() {
    return port;
  }

  /**
   * Stops gracefully: refuses new devices, stops reading device sockets, stores what was
   * received, sends the final acks, closes every device with 1001, then closes the store. The
   * whole stop takes at most the shutdown timeout: a step that does not finish within what is
   * left of it is left behind (readings not yet acked are resent by their devices). Never call it
   * from an event loop.
   */
  public synchronized void stop() {
    if (!accepting) {
      return;
    }
    accepting = false;
    StopDeadline deadline = StopDeadline.after(options.shutdownTimeout());
    LOG.info("stopping: {} device connections, {} readings waiting for storage", devices.openConnections(),
        writer.queuedReadings());
    try {
      retention.stop();
      deadline.await("pausing the devices", devices.pauseAll());
      if (!writer.stop(deadline.remaining())) {
        LOG.warn("stopping: storage did not finish within {}; unacknowledged readings will be resent by their devices",
            DurationConverter.format(options.shutdownTimeout()));
      }
      deadline.await("closing the devices", devices.closeAll());
      deadline.await("closing the subscribers", subscribers.closeAll());
      if (cluster != null) {
        cluster.prepareToLeave(deadline.remaining()); // the other nodes learn of what happened here before it leaves
      }
    } catch (Exception e) {
      LOG.warn("stopping: {}", e.toString());
    }
    try {
      deadline.await("closing Vert.x", vertx.close());
    } catch (Exception e) {
      LOG.warn("stopping: {}", e.toString());
    }
    // The store waits for a write in progress, and the last push of the meters (to InfluxDB, when
    // configured) for an answer: neither may hold the stop past its deadline.
    deadline.run("closing the store", store::close);
    runtimeMeters.close();
    deadline.run("the last push of the meters", meters::close);
    LOG.info("stopped");
  }

  private <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture()
          .get(options.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer within " + options.shutdownTimeout());
    }
  }

}
