package org.telemetryhub.hub.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only their owner may read: the data directory and everything the hub
 * keeps in it (secrets, revocations, readings). Where the file system has no POSIX permissions
 * (not on Linux), they are left as the system makes them.
 */
public final class OwnerOnlyFiles {

  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private OwnerOnlyFiles() {
  }

  /** Creates the directory (owner-only) when it is missing; an existing one is left as it is. */
  public static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir);
    if (POSIX) {
      Files.setPosixFilePermissions(dir, DIRECTORY);
    }
  }

  /** Creates an empty owner-only file, or makes an existing one owner-only. */
  public static void ensure(Path file) throws IOException {
    if (!Files.exists(file)) {
      if (POSIX) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
      } else {
        Files.createFile(file);
      }
    } else {
      restrict(file);
    }
  }

  /** Makes an existing file owner-only. */
  public static void restrict(Path file) throws IOException {
    if (POSIX && Files.exists(file)) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }

  /** Writes {@code text} to an owner-only file, replacing what it held. */
  public static void write(Path file, String text) throws IOException {
    ensure(file);
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
