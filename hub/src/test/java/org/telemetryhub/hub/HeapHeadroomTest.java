package org.telemetryhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapHeadroomTest {

  @Test
  void theJvmKeepsAtMostATenthOfTheHeapFreeUnlessTheCommandLineSaidOtherwise() {
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    boolean chosenOnTheCommandLine = hotspot.getVMOption(HeapHeadroom.MAX).getOrigin() == VMOption.Origin.VM_CREATION;
    String before = hotspot.getVMOption(HeapHeadroom.MAX).getValue();
    HeapHeadroom.apply();
    if (chosenOnTheCommandLine) {
      assertEquals(before, hotspot.getVMOption(HeapHeadroom.MAX).getValue(), "the operator's choice stands");
    } else {
      assertEquals(HeapHeadroom.MAX_PERCENT, hotspot.getVMOption(HeapHeadroom.MAX).getValue());
      assertEquals(HeapHeadroom.MIN_PERCENT, hotspot.getVMOption(HeapHeadroom.MIN).getValue());
    }
  }
}
