package org.telemetryhub.hub.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where a setting comes from when the command line does not give it: first the environment
 * ({@code --heartbeat-timeout} is {@code HUB_HEARTBEAT_TIMEOUT}), then the configuration file
 * ({@code heartbeat-timeout = 30s}), then the default written beside the option.
 * The command line therefore wins over the environment, which wins over the file.
 */
public final class SettingSources implements IDefaultValueProvider {

  public static final String ENV_PREFIX = "HUB_";

  private final Map<String, String> environment;
  private final Properties file;

  public SettingSources(Map<String, String> environment, Properties file) {
    this.environment = environment;
    this.file = file;
  }

  /** Reads a configuration file of {@code name = value} lines (Java properties syntax). */
  public static Properties readFile(Path path) {
    Properties properties = new Properties();
    if (path == null) {
      return properties;
    }
    try (Reader reader = Files.newBufferedReader(path)) {
      properties.load(reader);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read configuration file " + path + ": no such file");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IllegalArgumentException("cannot read configuration file " + path + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read configuration file " + path + ": " + e.getMessage());
    }
    return properties;
  }

  public static String environmentName(String settingName) {
    return ENV_PREFIX + settingName.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
      return null;
    }
    String name = option.longestName().substring(2);
    String fromEnvironment = environment.get(environmentName(name));
    if (fromEnvironment != null) {
      return fromEnvironment;
    }
    String fromFile = file.getProperty(name);
    if (fromFile != null) {
      return fromFile.trim();
    }
    return null;
  }
}
