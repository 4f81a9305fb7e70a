package org.telemetryhub.hub.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.telemetryhub.hub.config.SettingSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/** The {@code hub} command and its subcommands. */
@Command(name = "hub", mixinStandardHelpOptions = true, version = "telemetry hub 0.1.0",
    description = "IoT sensor telemetry hub.",
    subcommands = {ServeCommand.class, TokenCommand.class, SubscribeCommand.class, RevokeCommand.class,
        RotateSecretCommand.class, SinkCommand.class, CommandLine.HelpCommand.class})
public final class HubCommand implements Runnable {

  public static final int EXIT_BAD_SETTINGS = 2;

  @CommandLine.Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * Parses and runs. Settings come from the command line, then the environment, then the file
   * named by {@code --config} (or HUB_CONFIG): the file is read in a first pass over the arguments.
   */
  public static int run(String[] args, Map<String, String> environment) {
    Path configFile = findConfigFile(args, environment);
    Properties file;
    try {
      file = SettingSources.readFile(configFile);
    } catch (IllegalArgumentException e) {
      System.err.println("hub: " + e.getMessage());
      return EXIT_BAD_SETTINGS;
    }
    CommandLine commandLine = newCommandLine(new SettingSources(environment, file));
    for (String unknownVariable : HelpText.unknownVariables(environment, commandLine)) {
      System.err.println("hub: warning: the environment variable " + unknownVariable + " is not a setting; it is ignored");
    }
    Set<String> unknown = unknownKeys(file, commandLine);
    if (!unknown.isEmpty()) {
      System.err.println("hub: unknown setting(s) in " + configFile + ": " + String.join(", ", unknown)
          + " (see 'hub serve --help' for the names)");
      return EXIT_BAD_SETTINGS;
    }
    return commandLine.execute(args);
  }

  private static CommandLine newCommandLine(SettingSources sources) {
    CommandLine commandLine = new CommandLine(new HubCommand());
    commandLine.setDefaultValueProvider(sources);
    HelpText.decorate(commandLine);
    commandLine.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println("hub: " + e.getMessage());
      if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
        Set<String> names = new TreeSet<>();
        e.getCommandLine().getCommandSpec().options().forEach(option -> names.addAll(List.of(option.names())));
        for (String argument : unmatched.getUnmatched()) {
          String closest = argument.startsWith("--") ? HelpText.closest(argument.replaceFirst("=.*", ""), names) : null;
          if (closest != null) {
            e.getCommandLine().getErr().println("Did you mean " + closest + "?");
          }
        }
      }
      e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return EXIT_BAD_SETTINGS;
    });
    return commandLine;
  }

  /** The --config value (or HUB_CONFIG, through the environment's defaults) of the subcommand, if any. */
  private static Path findConfigFile(String[] args, Map<String, String> environment) {
    CommandLine firstPass = newCommandLine(new SettingSources(environment, new Properties()));
    try {
      CommandLine.ParseResult result = firstPass.parseArgs(args);
      while (result.hasSubcommand()) {
        result = result.subcommand();
      }
      OptionSpec config = result.commandSpec().findOption("--config");
      return config == null ? null : config.getValue();
    } catch (CommandLine.ParameterException e) {
      return null; // reported by the second pass, with the file's settings in place
    }
  }

  private static Set<String> unknownKeys(Properties file, CommandLine commandLine) {
    Set<String> known = new TreeSet<>();
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      for (OptionSpec option : sub.getCommandSpec().options()) {
        known.add(option.longestName().replaceFirst("^--", ""));
      }
    }
    Set<String> unknown = new TreeSet<>(file.stringPropertyNames());
    unknown.removeAll(known);
    return unknown;
  }
}
