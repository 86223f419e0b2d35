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
  /** The file moved last when results are committed file by file: its presence says the results are whole. */
  public static final String SUMMARY = "summary.json";

  private final Path target;
  private final Path staging;
  private final boolean fileByFile;
  private boolean committed;

  private OutputDirectory(Path target, Path staging, boolean fileByFile) {
    this.target = target;
    this.staging = staging;
    this.fileByFile = fileByFile;
  }

  /**
   * Results written into a directory that holds other things the job keeps there (hpo's
   * checkpoint/): staged in a hidden directory inside it and renamed into place file by file at
   * {@link #commit}, {@value #SUMMARY} last and the old one removed first, so a run that dies while
   * committing leaves no summary that looks whole.
   */
  public static OutputDirectory inside(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Files.createDirectories(abs);
    return new OutputDirectory(abs, Files.createTempDirectory(abs, ".results-staging-"), true);
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
      return new OutputDirectory(abs, staging, false);
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

  /** Renames the staging directory to the target, replacing what was there (file by file for {@link #inside}). */
  public void commit() {
    if (fileByFile) {
      commitFiles();
      return;
    }
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

  private void commitFiles() {
    try {
      Files.deleteIfExists(target.resolve(SUMMARY));
      java.util.List<Path> files;
      try (Stream<Path> st = Files.list(staging)) {
        files = st.sorted(Comparator.comparing((Path f) -> f.getFileName().toString().equals(SUMMARY)).thenComparing(Path::compareTo))
            .toList();
      }
      for (Path f : files) {
        Files.move(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      committed = true;
      deleteTree(staging);
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
