package org.telemetryhub.hub.store;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference for the hub's InfluxDB write throughput: a plain line-protocol writer that posts
 * batches of readings (same measurement, tag and fields as the hub writes) as fast as InfluxDB
 * takes them, from a few threads, for a while.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.telemetryhub.hub.store.InfluxLineWriter URL DATABASE [seconds] [batch] [threads] [devices]</pre>
 */
public final class InfluxLineWriter {

  private InfluxLineWriter() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: InfluxLineWriter URL DATABASE [seconds=20] [batch=2000] [threads=2] [devices=100]");
      System.exit(2);
    }
    String url = args[0];
    String database = args[1];
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    int devices = args.length > 5 ? Integer.parseInt(args[5]) : 100;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    http.send(HttpRequest.newBuilder(URI.create(url + "/query?q=CREATE+DATABASE+" + database))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    URI write = URI.create(url + "/write?db=" + database + "&precision=s");
    AtomicLong points = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    long firstTs = Instant.now().getEpochSecond() - Duration.ofDays(20).toSeconds();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread writer = new Thread(() -> {
        long ts = firstTs;
        try {
          while (System.nanoTime() < end) {
            StringBuilder lines = new StringBuilder(batch * 90);
            for (int i = 0; i < batch; i++) {
              int device = (i % devices) + thread * devices;
              if (i % devices == 0) {
                ts++;
              }
              lines.append("readings,device=dev-").append(device).append(" temperature=").append(20 + i % 10 * 0.1f)
                  .append(",humidity=").append(50f).append(",pressure=").append(1013.25f).append(' ').append(ts).append('\n');
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(write)
                .POST(HttpRequest.BodyPublishers.ofString(lines.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 204) {
              throw new IllegalStateException("InfluxDB answered " + response.statusCode() + ": " + response.body());
            }
            points.addAndGet(batch);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      writers.add(writer);
      writer.start();
    }
    for (Thread writer : writers) {
      writer.join();
    }
    System.out.printf("line-protocol writer: %d points in %d s = %.0f points/s (batch %d, %d threads)%n",
        points.get(), seconds, points.get() / (double) seconds, batch, threads);
  }
}
