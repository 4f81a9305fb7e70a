package org.telemetryhub.hub.pubsub;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.telemetryhub.hub.protocol.Reading;

/** Encoding one reading for subscribers: once per published reading, shared by every recipient. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReadingEncodeBenchmark {

  private final Reading reading = new Reading("dev-0042", 1_764_400_000L, 21.53f, 40.27f, 1013.11f);

  /** What the hub does: the envelope written by hand into UTF-8 bytes. */
  @Benchmark
  public byte[] handWritten() {
    return Messages.reading(reading);
  }

  /** The obvious alternative, for comparison: Vert.x JsonObject (Jackson) for envelope and payload. */
  @Benchmark
  public byte[] jsonObject() {
    return new JsonObject().put("channel", "readings/" + reading.device())
        .put("payload", new JsonObject().put("device", reading.device()).put("ts", reading.ts())
            .put("temperature", reading.temperature()).put("humidity", reading.humidity())
            .put("pressure", reading.pressure()))
        .encode().getBytes(StandardCharsets.UTF_8);
  }
}
