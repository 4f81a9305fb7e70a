package org.telemetryhub.sim;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** The chaos switches: random connection drops, deaf devices, malformed frames. All off by default. */
final class Chaos {

  private final Vertx vertx;
  private final List<SimDevice> devices;
  private final SplittableRandom random;
  private long dropTimer = -1;
  private long muteTimer = -1;
  private long malformedTimer = -1;

  Chaos(Vertx vertx, List<SimDevice> devices, long seed) {
    this.vertx = vertx;
    this.devices = devices;
    this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
  }

  void start(FleetSettings settings) {
    if (settings.chaosDropEvery != null) {
      dropTimer = vertx.setPeriodic(settings.chaosDropEvery.toMillis(), id -> onRandomDevice(SimDevice::dropConnection));
    }
    if (settings.chaosMuteEvery != null) {
      Duration muteFor = settings.chaosMuteFor;
      muteTimer = vertx.setPeriodic(settings.chaosMuteEvery.toMillis(), id -> onRandomDevice(d -> d.goDeaf(muteFor)));
    }
    if (settings.chaosMalformedPerSecond > 0) {
      long every = Math.max(1, Math.round(1000 / settings.chaosMalformedPerSecond));
      malformedTimer = vertx.setPeriodic(every, id -> onRandomDevice(SimDevice::sendMalformedFrame));
    }
  }

  void stop() {
    vertx.cancelTimer(dropTimer);
    vertx.cancelTimer(muteTimer);
    vertx.cancelTimer(malformedTimer);
  }

  private void onRandomDevice(Consumer<SimDevice> action) {
    SimDevice device = devices.get(random.nextInt(devices.size()));
    device.context().runOnContext(ignored -> action.accept(device));
  }
}
