package org.telemetryhub.hub.files;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when small files change (a renewed certificate, a rotated secret) by reading them every
 * so often, off the event loops, and comparing their content with what was last seen. Polling
 * rather than file-system events: it works the same for a file replaced by a move, for a symbolic
 * link swapped by a secret store, and on every file system.
 */
public final class FileWatcher {

  /** Reloads what the files hold; runs on a worker thread, may block and throw. */
  @FunctionalInterface
  public interface Reload {
    void run() throws Exception;
  }

  private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);

  private final Vertx vertx;
  private final String what;
  private final List<Path> files;
  private final Reload reload;
  private List<String> lastSeen;
  private long timer = -1;

  /** @param what what the files are, for the log ("token secrets", "TLS certificate") */
  public FileWatcher(Vertx vertx, String what, List<Path> files, Reload reload) {
    this.vertx = vertx;
    this.what = what;
    this.files = List.copyOf(files);
    this.reload = reload;
    this.lastSeen = fingerprints();
  }

  public void start(Duration every) {
    timer = vertx.setPeriodic(every.toMillis(), id -> vertx.executeBlocking(() -> {
      check();
      return null;
    }, false));
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** Reloads when a file changed since the last look; a failed reload keeps what is in use and is logged. */
  synchronized void check() {
    List<String> now = fingerprints();
    if (now.equals(lastSeen)) {
      return;
    }
    lastSeen = now;
    try {
      reload.run();
      LOG.info("reloaded {} from {}", what, files);
    } catch (Exception e) {
      LOG.error("cannot reload {} from {}, keeping the ones in use: {}", what, files, e.getMessage());
    }
  }

  private List<String> fingerprints() {
    List<String> prints = new ArrayList<>(files.size());
    for (Path file : files) {
      try {
        prints.add(Integer.toHexString(Arrays.hashCode(Files.readAllBytes(file))));
      } catch (IOException e) {
        prints.add("missing");
      }
    }
    return prints;
  }

  @Override
  public String toString() {
    return what + " " + Objects.toString(files);
  }
}
