package io.hypergrad.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A job's {@code --out} directory. Everything is written into a staging directory beside it and
 * renamed into place at the end, so a killed or failed job never leaves a half-written result that
 * looks whole; an existing non-empty directory is refused unless the user asked to overwrite it.
 */
public final class OutputDirectory implements AutoCloseable {
  private final Path target;
  private final Path staging;
  private boolean committed;

  private OutputDirectory(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /** Checks the target and makes the staging directory; call before the job does any work. */
  public static OutputDirectory prepare(Path target, boolean overwrite) {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) {
        throw new IllegalArgumentException("--out " + target + " exists and is not a directory");
      }
      if (!overwrite && !isEmpty(abs)) {
        throw new IllegalArgumentException("--out " + target + " exists and is not empty; pass --overwrite to replace it");
      }
    }
    try {
      Path parent = abs.getParent();
      Files.createDirectories(parent);
      Path staging = Files.createTempDirectory(parent, "." + abs.getFileName() + ".staging-");
      return new OutputDirectory(abs, staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a staging directory beside " + target + ": " + e.getMessage(), e);
    }
  }

  /** Where the job writes its files. */
  public Path path(String fileName) {
    return staging.resolve(fileName);
  }

  public Path target() {
    return target;
  }

  /** Renames the staging directory to the target, replacing what was there. */
  public void commit() {
    try {
      Path old = null;
      if (Files.exists(target)) {
        old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
        Files.move(target, old);
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, target);
      }
      committed = true;
      if (old != null) {
        deleteTree(old);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move results into " + target + ": " + e.getMessage(), e);
    }
  }

  /** Drops the staging directory unless it was committed. */
  @Override
  public void close() {
    if (!committed) {
      deleteTree(staging);
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a directory tree (nothing when it does not exist). */
  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
