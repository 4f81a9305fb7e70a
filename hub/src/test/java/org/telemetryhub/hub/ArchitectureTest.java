package org.telemetryhub.hub;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub's packages point one way: each may use only packages of a lower layer (and its own).
 * The layers are those drawn in docs/architecture.md; a new package needs a layer here first.
 */
class ArchitectureTest {

  private static final String HUB = "org.telemetryhub.hub";

  /** Layer of every package, lowest first. "" is the root package, where the hub is composed. */
  private static final Map<String, Integer> LAYER = Map.ofEntries(
      Map.entry("address", 0), Map.entry("config", 0), Map.entry("files", 0), Map.entry("logging", 0),
      Map.entry("process", 0), Map.entry("internals", 0),
      Map.entry("client", 0),
      Map.entry("protocol", 1),
      Map.entry("liveness", 2), Map.entry("alerts", 2),
      Map.entry("metrics", 3), Map.entry("auth", 3),
      Map.entry("websocket", 4), Map.entry("store", 4),
      Map.entry("edge", 5), Map.entry("backend", 5),
      Map.entry("device", 6), Map.entry("pubsub", 6), Map.entry("sink", 6),
      Map.entry("fanout", 7), Map.entry("api", 7), Map.entry("cluster", 7),
      Map.entry("", 8),
      Map.entry("cli", 9));

  private static JavaClasses hub;

  @BeforeAll
  static void importClasses() {
    hub = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(HUB);
  }

  /** The package of the hub a class belongs to: its first level under the hub ("store" for store.sqlite), "" for the root. */
  private static String packageOf(JavaClass type) {
    String name = type.getPackageName();
    if (name.equals(HUB)) {
      return "";
    }
    String rest = name.substring(HUB.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  /** Verifies that every package of the hub has a layer: a new one is placed deliberately. */
  @Test
  void everyPackageHasALayer() {
    TreeSet<String> unplaced = new TreeSet<>();
    for (JavaClass type : hub) {
      if (!LAYER.containsKey(packageOf(type))) {
        unplaced.add(packageOf(type));
      }
    }
    assertEquals(new TreeSet<>(), unplaced, "packages without a layer in ArchitectureTest.LAYER");
  }

  /** Verifies that no class uses a class of its own layer in another package, or of a higher layer. */
  @Test
  void packagesOnlyUseLowerLayers() {
    List<String> upward = new ArrayList<>();
    for (JavaClass type : hub) {
      String from = packageOf(type);
      for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
        JavaClass target = dependency.getTargetClass();
        if (!target.getPackageName().startsWith(HUB)) {
          continue;
        }
        String to = packageOf(target);
        if (!from.equals(to) && LAYER.getOrDefault(to, 99) >= LAYER.getOrDefault(from, -1)) {
          upward.add(from + " -> " + to + ": " + dependency.getDescription());
        }
      }
    }
    assertEquals(List.of(), upward.stream().distinct().sorted().limit(40).toList(),
        upward.size() + " dependencies against the layering");
  }

  /** Verifies that the packages of the hub have no cycle, whatever the layers say. */
  @Test
  void packagesAreFreeOfCycles() {
    slices().matching(HUB + ".(*)..").should().beFreeOfCycles().check(hub);
  }

  /**
   * Verifies that there is no cycle at any level: each package is a slice of its own, sub-packages
   * (store.sqlite apart from store) and the root package included.
   */
  @Test
  void everyPackageAtEveryLevelIsFreeOfCycles() {
    SliceAssignment everyPackage = new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass type) {
        return type.getPackageName().startsWith(HUB) ? SliceIdentifier.of(type.getPackageName()) : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "every package of the hub, sub-packages and the root included";
      }
    };
    slices().assignedFrom(everyPackage).should().beFreeOfCycles().check(hub);
  }
}
