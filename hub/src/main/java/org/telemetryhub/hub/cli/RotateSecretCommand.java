package org.telemetryhub.hub.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.telemetryhub.hub.auth.KeyRing;
import org.telemetryhub.hub.auth.SecretFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hub rotate-secret}: puts a new secret first in the hub's token secret file; with
 * {@code --drop-previous}, removes every secret but the first. A running hub re-reads the file
 * within --reload-check-interval.
 */
@Command(name = "rotate-secret", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Rotates the secret that signs tokens, without downtime.",
        "Step 1 (no option): a new secret signs new tokens from now on; tokens of the previous secrets are still accepted.",
        "Step 2 (--drop-previous), once every holder has a new token: only the new secret is accepted."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:rotated", "2:bad options (the secret is not in a file)"})
public final class RotateSecretCommand implements Callable<Integer> {

  @Option(names = "--drop-previous", description = "Keep only the first (newest) secret.")
  boolean dropPrevious;

  @Mixin
  SecretOptions secret;

  @Mixin
  ConfigFileOption configFile;

  @Override
  public Integer call() throws IOException {
    Path file = secret.file();
    if (file == null) {
      System.err.println("hub rotate-secret: the secret is given with --token-secret; rotation needs a file "
          + "(--token-secret-file or <data-dir>/token-secret)");
      return HubCommand.EXIT_BAD_SETTINGS;
    }
    if (dropPrevious) {
      KeyRing before = SecretFile.read(file);
      SecretFile.dropPrevious(file);
      System.out.println(file + ": " + (before.secrets().size() - 1) + " previous secret(s) removed; only tokens of the "
          + "newest secret are accepted once the hub has re-read the file (within --reload-check-interval)");
    } else {
      KeyRing ring = SecretFile.rotate(file);
      System.out.println(file + ": a new secret signs tokens from now on; " + (ring.secrets().size() - 1)
          + " previous secret(s) still accepted. Give every device and client a new token ('hub token'), then run "
          + "'hub rotate-secret --drop-previous'.");
    }
    return 0;
  }
}
