package org.telemetryhub.hub.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much heap the JVM keeps committed, through its manageable flags, so that
 * {@code java -jar hub.jar serve} needs no options; flags given on the command line win. A choice
 * for the whole JVM, so the serve command makes it, not the hub: a program that embeds a hub
 * keeps its own. With many idle
 * connections the heap's headroom, not the connections, is most of the resident memory:
 * <ul>
 *   <li>free after a collection: G1 keeps up to 70 % free by default (40 KB committed per
 *   connection for 16.5 KB live, measured with 15,000); the hub asks for at most 10 % (at least
 *   5 %);</li>
 *   <li>the garbage of a connection storm: G1 gives memory back only after a concurrent cycle, and
 *   a hub whose devices have connected and gone quiet allocates too little to start one, so it
 *   would hold three times its live heap for good (measured: 19.6 KB RSS per idle connection two
 *   minutes after 15,000 connected, 7.4 KB with the periodic cycle). A concurrent cycle runs when
 *   none ran for {@link #PERIODIC_GC_MILLIS}; a busy hub collects anyway and never needs it.</li>
 * </ul>
 */
final class HeapHeadroom {

  private static final Logger LOG = LoggerFactory.getLogger(HeapHeadroom.class);
  static final String MIN = "MinHeapFreeRatio";
  static final String MAX = "MaxHeapFreeRatio";
  static final String MIN_PERCENT = "5";
  static final String MAX_PERCENT = "10";
  static final String PERIODIC_GC = "G1PeriodicGCInterval";
  static final String PERIODIC_GC_MILLIS = "15000";

  private HeapHeadroom() {
  }

  static void apply() {
    try {
      HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (hotspot == null) {
        return; // not HotSpot
      }
      if (isDefault(hotspot, MIN) && isDefault(hotspot, MAX)) {
        // Min first: Max may never drop below it, and the defaults are 40 / 70.
        hotspot.setVMOption(MIN, MIN_PERCENT);
        hotspot.setVMOption(MAX, MAX_PERCENT);
      }
      if (isDefault(hotspot, PERIODIC_GC)) {
        hotspot.setVMOption(PERIODIC_GC, PERIODIC_GC_MILLIS); // ignored by collectors other than G1
      }
    } catch (RuntimeException e) {
      LOG.warn("heap headroom left as it is: {}", e.toString());
    }
  }

  private static boolean isDefault(HotSpotDiagnosticMXBean hotspot, String name) {
    return hotspot.getVMOption(name).getOrigin() == VMOption.Origin.DEFAULT;
  }
}
