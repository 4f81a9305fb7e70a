package org.telemetryhub.hub.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The --config option shared by the commands that read the hub's settings. */
public final class ConfigFileOption {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Settings file of 'name = value' lines (names as the long options, without '--'). "
          + "The environment (HUB_NAME) overrides the file; the command line overrides both. Also: HUB_CONFIG.")
  Path file;
}
