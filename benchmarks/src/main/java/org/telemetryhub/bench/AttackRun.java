package org.telemetryhub.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telemetryhub.hub.auth.TokenService;

/**
 * Attacks on a running hub process, measured from outside as an attacker and an operator would
 * see them: what the hub's memory does, whether /health still answers, what is held afterwards.
 * Each prints one line for the attack table in docs/security.md.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.telemetryhub.bench.AttackRun HUB_JAR [seconds]</pre>
 *
 * <p>Every attack starts its own hub with {@code -Xmx1g} (what the operator docs suggest), from
 * loopback addresses only, bounded in count and time.
 */
public final class AttackRun {

  private static final String SECRET = "attack-run-secret-attack-run-secret-01";
  private static final Pattern LISTENING = Pattern.compile("hub listening on port (\\d+)");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final Path hubJar;
  private final int seconds;

  private AttackRun(Path hubJar, int seconds) {
    this.hubJar = hubJar;
    this.seconds = seconds;
  }

  public static void main(String[] args) throws Exception {
    AttackRun run = new AttackRun(Path.of(args.length > 0 ? args[0] : "hub/target/hub.jar"),
        args.length > 1 ? Integer.parseInt(args[1]) : 10);
    run.subscriberRequestFlood();
    run.pingFlood();
    run.slowAndSilentSockets();
    run.silentSocketsAtLowFileLimit();
  }

  // ---- the attacks ----

  /** A subscriber granted readings/dev-1 sends malformed requests with 60 KB filters and never reads. */
  private void subscriberRequestFlood() throws Exception {
    try (HubUnderAttack hub = HubUnderAttack.start(hubJar, List.of())) {
      String token = token(vertx -> TokenService.withSecret(vertx, SECRET)
          .issueSubscriberToken("attacker", List.of("readings/dev-1"), null));
      byte[] request = frame(1, new JsonObject().put("action", "subscribe")
          .put("channels", new JsonArray().add("readings/" + "#".repeat(60_000))).put("id", 1).encode()
          .getBytes(StandardCharsets.UTF_8));
      long rssBefore = hub.rssKib();
      AtomicLong sent = new AtomicLong();
      try (Socket socket = upgrade(hub.port, "127.0.0.2", "/ws/subscribe", token, 4096)) {
        Thread flood = new Thread(() -> {
          try {
            OutputStream out = socket.getOutputStream();
            while (!Thread.currentThread().isInterrupted()) {
              out.write(request);
              sent.incrementAndGet();
            }
          } catch (IOException closed) {
            // ends with the socket
          }
        });
        flood.setDaemon(true);
        flood.start();
        long worstHealthMillis = healthDuring(hub, seconds);
        long rssDuring = hub.rssKib();
        flood.interrupt();
        System.out.printf("subscriber request flood (60 KB filters, replies never read, -Xmx1g, %d s): %d requests sent "
                + "(%d MB); RSS %d -> %d MiB; /health worst %d ms; hub %s%n",
            seconds, sent.get(), sent.get() * request.length / 1_000_000, rssBefore / 1024, rssDuring / 1024,
            worstHealthMillis, hub.alive() ? "alive, no OutOfMemoryError: " + !hub.log().contains("OutOfMemoryError") : "DEAD");
      }
    }
  }

  /** A device floods 125-byte pings and never reads the pongs. */
  private void pingFlood() throws Exception {
    try (HubUnderAttack hub = HubUnderAttack.start(hubJar, List.of())) {
      String token = token(vertx -> TokenService.withSecret(vertx, SECRET).issueDeviceToken("pinger", null));
      byte[] ping = frame(9, new byte[125]);
      byte[] burst = new byte[ping.length * 1000];
      for (int i = 0; i < 1000; i++) {
        System.arraycopy(ping, 0, burst, i * ping.length, ping.length);
      }
      long rssBefore = hub.rssKib();
      AtomicLong pings = new AtomicLong();
      long worstHealthMillis;
      long rssDuring;
      try (Socket socket = upgrade(hub.port, "127.0.0.2", "/ws/devices/pinger", token, 4096)) {
        Thread flood = new Thread(() -> {
          try {
            OutputStream out = socket.getOutputStream();
            while (!Thread.currentThread().isInterrupted()) {
              out.write(burst);
              pings.addAndGet(1000);
            }
          } catch (IOException closed) {
            // ends with the socket
          }
        });
        flood.setDaemon(true);
        flood.start();
        worstHealthMillis = healthDuring(hub, seconds);
        rssDuring = hub.rssKib();
        flood.interrupt();
      }
      Thread.sleep(2_000);
      System.out.printf("ping flood (125-byte pings, pongs never read, %d s): %d pings (%d MB); RSS %d -> %d MiB, "
              + "%d MiB after disconnect; /health worst %d ms%n", seconds, pings.get(), pings.get() * ping.length / 1_000_000,
          rssBefore / 1024, rssDuring / 1024, hub.rssKib() / 1024, worstHealthMillis);
    }
  }

  /** 1,000 sockets that never finish their headers and 5,000 that send nothing, from three addresses. */
  private void slowAndSilentSockets() throws Exception {
    try (HubUnderAttack hub = HubUnderAttack.start(hubJar, List.of())) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 1000; i++) {
          Socket socket = connect(hub.port, "127.0.0.2");
          socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
          sockets.add(socket);
        }
        for (int i = 0; i < 5000; i++) {
          sockets.add(connect(hub.port, i % 2 == 0 ? "127.0.0.3" : "127.0.0.4"));
        }
        long healthMillis = healthMillis(hub);
        Thread.sleep(11_000); // the default header timeout is 10 s
        int open = 0;
        for (Socket socket : sockets) {
          if (!closedByPeer(socket)) {
            open++;
          }
        }
        System.out.printf("slow and silent sockets (1,000 slow headers + 5,000 silent): /health %d ms while held; "
            + "still open after 11 s: %d of %d; hub_tcp_connections_timed_out_total{phase=\"headers\"} %s%n",
            healthMillis, open, sockets.size(), hub.metric("hub_tcp_connections_timed_out_total{phase=\"headers\"}"));
      } finally {
        for (Socket socket : sockets) {
          socket.close();
        }
      }
    }
  }

  /** At an open-file limit of 1,024, 1,000 silent sockets from one address against devices and /health. */
  private void silentSocketsAtLowFileLimit() throws Exception {
    try (HubUnderAttack hub = HubUnderAttack.start(hubJar, List.of("prlimit", "--nofile=1024:1024"))) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 1000; i++) {
          sockets.add(connect(hub.port, "127.0.0.2"));
        }
        long healthMillis = healthMillis(hub);
        String token = token(vertx -> TokenService.withSecret(vertx, SECRET).issueDeviceToken("dev-1", null));
        String device;
        try (Socket socket = upgrade(hub.port, "127.0.0.5", "/ws/devices/dev-1", token, 0)) {
          device = "a device from another address connects";
        } catch (IOException refused) {
          device = "a device from another address is refused: " + refused.getMessage();
        }
        System.out.printf("1,000 silent sockets at 1,024 open files: %s; /health %d ms; held %s, refused at accept %s%n",
            device, healthMillis, hub.metric("hub_tcp_connections"),
            hub.metric("hub_tcp_connections_refused_total{reason=\"max_per_address\"}"));
      } finally {
        for (Socket socket : sockets) {
          socket.close();
        }
      }
    }
  }

  // ---- measuring ----

  /** Polls /health every 200 ms for {@code seconds}; the slowest answer in ms (a failure counts as the timeout, 5,000). */
  private static long healthDuring(HubUnderAttack hub, int seconds) throws InterruptedException {
    long worst = 0;
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() < end) {
      worst = Math.max(worst, healthMillis(hub));
      Thread.sleep(200);
    }
    return worst;
  }

  private static long healthMillis(HubUnderAttack hub) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port + "/health"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? (System.nanoTime() - start) / 1_000_000 : 5_000;
    } catch (IOException | InterruptedException e) {
      return 5_000;
    }
  }

  private static boolean closedByPeer(Socket socket) {
    try {
      socket.setSoTimeout(1);
      InputStream in = socket.getInputStream();
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  // ---- plumbing ----

  private interface Minting {
    String mint(Vertx vertx);
  }

  private static String token(Minting minting) {
    Vertx vertx = Vertx.vertx();
    try {
      return minting.mint(vertx);
    } finally {
      vertx.close();
    }
  }

  private static Socket connect(int port, String from) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return socket;
  }

  /** A WebSocket upgrade by hand; the socket is then the raw connection. */
  private static Socket upgrade(int port, String from, String path, String token, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
        + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed during the handshake: " + head);
      }
      head.write(b);
    }
    if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("upgrade refused: " + head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse(""));
    }
    return socket;
  }

  /** One final, masked client frame. */
  private static byte[] frame(int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(0x80 | opcode);
    int length = payload.length;
    if (length < 126) {
      frame.write(0x80 | length);
    } else if (length < 65536) {
      frame.write(0x80 | 126);
      frame.write(length >>> 8);
      frame.write(length);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) length >>> shift));
      }
    }
    byte[] mask = {7, 1, 3, 5};
    frame.write(mask, 0, 4);
    for (int i = 0; i < length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  /** The packaged hub as its own process, with -Xmx1g, a data directory of its own and a known secret. */
  private static final class HubUnderAttack implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Path data;
    private final int port;

    private HubUnderAttack(Process process, Path log, Path data, int port) {
      this.process = process;
      this.log = log;
      this.data = data;
      this.port = port;
    }

    static HubUnderAttack start(Path jar, List<String> launcher) throws Exception {
      Path data = Files.createTempDirectory("attack-hub");
      Path log = data.resolve("hub.log");
      List<String> command = new ArrayList<>(launcher);
      command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar",
          jar.toString(), "serve", "--port=0", "--host=127.0.0.1", "--data-dir=" + data.resolve("data"),
          "--token-secret=" + SECRET));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      for (int i = 0; i < 300; i++) {
        Matcher matcher = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
        if (matcher.find()) {
          return new HubUnderAttack(process, log, data, Integer.parseInt(matcher.group(1)));
        }
        Thread.sleep(100);
      }
      process.destroyForcibly();
      throw new IllegalStateException("the hub did not start: " + Files.readString(log));
    }

    long rssKib() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      return -1;
    }

    boolean alive() {
      return process.isAlive();
    }

    String log() throws IOException {
      return Files.readString(log);
    }

    String metric(String series) throws IOException, InterruptedException {
      String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
      return body.lines().filter(line -> line.startsWith(series + " ")).map(line -> line.substring(series.length() + 1))
          .findFirst().orElse("absent");
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      process.waitFor();
      try (var files = Files.walk(data)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      }
    }
  }
}
