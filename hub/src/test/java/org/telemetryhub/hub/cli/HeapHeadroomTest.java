package org.telemetryhub.hub.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapHeadroomTest {

  private final HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

  @Test
  void theJvmKeepsAtMostATenthOfTheHeapFreeUnlessTheCommandLineSaidOtherwise() {
    boolean chosenOnTheCommandLine = chosenOnTheCommandLine(HeapHeadroom.MAX);
    String before = hotspot.getVMOption(HeapHeadroom.MAX).getValue();
    HeapHeadroom.apply();
    if (chosenOnTheCommandLine) {
      assertEquals(before, hotspot.getVMOption(HeapHeadroom.MAX).getValue(), "the operator's choice stands");
    } else {
      assertEquals(HeapHeadroom.MAX_PERCENT, hotspot.getVMOption(HeapHeadroom.MAX).getValue());
      assertEquals(HeapHeadroom.MIN_PERCENT, hotspot.getVMOption(HeapHeadroom.MIN).getValue());
    }
  }

  @Test
  void aQuietHubGivesItsGarbageBackWithinFifteenSecondsUnlessTheCommandLineSaidOtherwise() {
    boolean chosenOnTheCommandLine = chosenOnTheCommandLine(HeapHeadroom.PERIODIC_GC);
    String before = hotspot.getVMOption(HeapHeadroom.PERIODIC_GC).getValue();
    HeapHeadroom.apply();
    assertEquals(chosenOnTheCommandLine ? before : "15000", hotspot.getVMOption(HeapHeadroom.PERIODIC_GC).getValue());
  }

  private boolean chosenOnTheCommandLine(String flag) {
    return hotspot.getVMOption(flag).getOrigin() == VMOption.Origin.VM_CREATION;
  }
}
