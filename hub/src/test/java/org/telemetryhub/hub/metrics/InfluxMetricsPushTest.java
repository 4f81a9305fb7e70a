package org.telemetryhub.hub.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.influx.InfluxMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.testing.Poll;

/**
 * The push of the hub's meters to InfluxDB, over real sockets: while nothing answers at the URL
 * (InfluxDB down) it says so once, not with a stack trace at every step, and once more when a
 * server answers again.
 */
class InfluxMetricsPushTest {

  private final ListAppender<ILoggingEvent> pushLog = new ListAppender<>();
  private final ListAppender<ILoggingEvent> registryLog = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    attach(InfluxMetricsPush.class.getName(), pushLog);
    attach(InfluxMeterRegistry.class.getName(), registryLog);
  }

  @AfterEach
  void releaseLogs() {
    ((Logger) LoggerFactory.getLogger(InfluxMetricsPush.class)).detachAppender(pushLog);
    ((Logger) LoggerFactory.getLogger(InfluxMeterRegistry.class)).detachAppender(registryLog);
  }

  private static void attach(String logger, ListAppender<ILoggingEvent> appender) {
    appender.start();
    ((Logger) LoggerFactory.getLogger(logger)).addAppender(appender);
  }

  private List<String> pushLines() {
    return pushLog.list.stream().map(event -> event.getLevel() + " " + event.getFormattedMessage()).toList();
  }

  /** Verifies that ten failed pushes make one line, and the first push that works one more. */
  @Test
  void aPushThatKeepsFailingIsSaidOnceAndItsRecoveryOnce() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    InfluxMeterRegistry registry = InfluxMetricsPush.registry(url, "telemetry", "autogen", null, null, Duration.ofMillis(100), "n1");
    try {
      registry.counter("hub.test").increment();
      Poll.until("the first failed push", Duration.ofSeconds(20), () -> pushLog.list.size() >= 1);
      Thread.sleep(1_200); // about ten more steps with nothing listening
      assertEquals(1, pushLog.list.size(), "one line while pushes keep failing: " + pushLines());
      assertTrue(pushLines().get(0).startsWith("WARN meters: pushing to InfluxDB at " + url + " failed (ConnectException"),
          pushLines().toString());
      assertEquals(List.of(), registryLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList(),
          "nothing from the registry's own logger");

      HttpServer influx = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
      influx.createContext("/", exchange -> {
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      });
      influx.start();
      try {
        Poll.until("the push works again", Duration.ofSeconds(20), () -> pushLog.list.size() >= 2);
        Thread.sleep(500);
        assertEquals(List.of("WARN", "INFO"), pushLog.list.stream().map(event -> event.getLevel().toString()).toList(),
            pushLines().toString());
        assertEquals("INFO meters: pushing to InfluxDB at " + url + " works again", pushLines().get(1));
      } finally {
        influx.stop(0);
      }
    } finally {
      registry.close();
    }
  }
}
