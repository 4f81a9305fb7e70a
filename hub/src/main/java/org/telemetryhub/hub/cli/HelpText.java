package org.telemetryhub.hub.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.telemetryhub.hub.config.SettingSources;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What every option's help says beyond its description, derived once for all commands instead of
 * written beside each option: its environment variable, and a value label that names the kind of
 * value (DURATION, N, URL...) rather than the field that holds it.
 */
public final class HelpText {

  private HelpText() {
  }

  /** Rewrites the options of {@code root} and of every subcommand: value labels and environment variables. */
  static void decorate(CommandLine root) {
    decorate(root, true);
  }

  /** Value labels by kind for another tool's command line (device-sim), which reads no environment. */
  public static void labelValues(CommandLine root) {
    decorate(root, false);
  }

  private static void decorate(CommandLine root, boolean environment) {
    decorate(root.getCommandSpec(), environment);
    for (CommandLine sub : root.getSubcommands().values()) {
      decorate(sub, environment);
    }
  }

  /** Every environment variable that some option of some command reads. */
  static Set<String> environmentNames(CommandLine root) {
    Set<String> names = new TreeSet<>();
    names.add(SettingSources.environmentName("config"));
    collect(root, names);
    return names;
  }

  /** HUB_ variables that no setting reads (typos, leftovers), each with the closest known name when there is one. */
  static List<String> unknownVariables(Map<String, String> environment, CommandLine root) {
    Set<String> known = environmentNames(root);
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(environment.keySet())) {
      if (name.startsWith(SettingSources.ENV_PREFIX) && !known.contains(name)) {
        String closest = closest(name, known);
        warnings.add(name + (closest == null ? "" : " (did you mean " + closest + "?)"));
      }
    }
    return warnings;
  }

  private static void collect(CommandLine command, Set<String> names) {
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (option.longestName().startsWith("--") && !option.usageHelp() && !option.versionHelp()) {
        names.add(SettingSources.environmentName(option.longestName().substring(2)));
      }
    }
    command.getSubcommands().values().forEach(sub -> collect(sub, names));
  }

  private static void decorate(CommandSpec spec, boolean environment) {
    List<OptionSpec> options = new ArrayList<>(spec.options());
    List<OptionSpec> movable = options.stream().filter(option -> option.group() == null).toList();
    movable.forEach(spec::remove);
    for (OptionSpec option : movable) {
      spec.addOption(option.usageHelp() || option.versionHelp() ? OptionSpec.builder(option).build() : decorated(option, environment));
    }
  }

  private static OptionSpec decorated(OptionSpec option, boolean environment) {
    OptionSpec.Builder builder = OptionSpec.builder(option);
    if (option.arity().max() > 0 && option.paramLabel().startsWith("<")) {
      builder.paramLabel(label(option));
    }
    String variable = SettingSources.environmentName(option.longestName().substring(2));
    String[] description = option.description();
    if (environment && description.length > 0 && !String.join(" ", description).contains(variable)) {
      description = Arrays.copyOf(description, description.length);
      description[description.length - 1] = description[description.length - 1] + " Env: " + variable + ".";
      builder.description(description);
    }
    return builder.build();
  }

  /** The kind of value, by its type and its name. */
  private static String label(OptionSpec option) {
    String name = option.longestName();
    Class<?> type = option.type();
    if (name.endsWith("-url") || type == URI.class) {
      return "URL";
    }
    if (name.endsWith("-dir")) {
      return "DIR";
    }
    if (name.endsWith("-file") || type == Path.class) {
      return "FILE";
    }
    if (name.endsWith("host")) {
      return "HOST";
    }
    if (type == Duration.class) {
      return "DURATION";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return name.endsWith("port") ? "PORT" : "N";
    }
    if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
      return "NUMBER";
    }
    if (name.endsWith("-name") || name.endsWith("user") || name.endsWith("database") || name.endsWith("policy")) {
      return "NAME";
    }
    if (name.endsWith("password") || name.endsWith("secret") || name.equals("--token")) {
      return "SECRET";
    }
    return "VALUE";
  }

  /** The known name at the smallest edit distance, if it is close enough to be a typo. */
  static String closest(String name, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(name, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= Math.max(2, name.length() / 4) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
