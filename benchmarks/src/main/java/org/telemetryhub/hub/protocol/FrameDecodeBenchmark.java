package org.telemetryhub.hub.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Decoding and validating one device frame, as DeviceConnection does for every frame. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameDecodeBenchmark {

  @Param({"1", "16", "100"})
  int packets;

  private Buffer frame;
  private final ReadingValidator validator = new ReadingValidator(ValidRanges.DEFAULT);
  private final long now = 1_764_400_000L;

  @Setup
  public void frame() {
    frame = Buffer.buffer(packets * PacketCodec.PACKET_SIZE);
    for (int i = 0; i < packets; i++) {
      PacketCodec.encode(20f + i * 0.01f, now - i, 50f, 1000f, frame);
    }
  }

  @Benchmark
  public List<Reading> decodeAndValidate() {
    if (PacketCodec.lengthProblem(frame.length()) != null) {
      throw new IllegalStateException();
    }
    List<Reading> valid = new ArrayList<>(packets);
    for (int offset = 0; offset < frame.length(); offset += PacketCodec.PACKET_SIZE) {
      Reading reading = PacketCodec.decode("dev-0042", frame, offset);
      if (validator.check(reading, now) == null) {
        valid.add(reading);
      }
    }
    return valid;
  }
}
