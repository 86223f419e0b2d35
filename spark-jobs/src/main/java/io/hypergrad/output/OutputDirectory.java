package io.hypergrad.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A job's {@code --out} directory. Everything is written into a staging directory beside it and
 * renamed into place at the end, so a killed or failed job never leaves a half-written result that
 * looks whole; an existing non-empty directory is refused unless the user asked to overwrite it.
 * A staging directory is named after the host and process that made it, so the next run into the
 * same {@code --out} removes what a killed run left there — and only that: a staging directory of a
 * process still alive, or of another host, is left alone.
 *
 * <p>An {@code --out} given as a URI ({@code hdfs://…}, {@code s3a://…}, {@code file:///…}) is written
 * through the Hadoop FileSystem API: Spark writes its datasets ({@link #datasetPath}) straight into a
 * staging directory beside the target on that file system, the driver's small files ({@link #path})
 * go to a local staging directory and are uploaded into it at {@link #commit}, and the staging
 * directory is then renamed into place (one atomic rename on HDFS; on object stores a rename is a
 * copy, so a reader should look for summary.json, which every job writes).
 */
public final class OutputDirectory implements AutoCloseable {
  /** The file moved last when results are committed file by file: its presence says the results are whole. */
  public static final String SUMMARY = "summary.json";

  private final Path target;
  private final Path staging;
  private final boolean fileByFile;
  // a Hadoop URI --out: its file system, target and staging directory there (null for a local path)
  private final FileSystem fs;
  private final org.apache.hadoop.fs.Path remoteTarget;
  private final org.apache.hadoop.fs.Path remoteStaging;
  // held from prepare to close, so two runs into one --out cannot both write (null for inside: its caller locks)
  private final RunLock lock;
  // inside: at commit, remove the target's other entries except these (null: leave them)
  private java.util.Set<String> replaceAllBut;
  private boolean committed;

  private OutputDirectory(Path target, Path staging, boolean fileByFile, RunLock lock) {
    this(target, staging, fileByFile, lock, null, null, null);
  }

  private OutputDirectory(Path target, Path staging, boolean fileByFile, RunLock lock, FileSystem fs,
      org.apache.hadoop.fs.Path remoteTarget, org.apache.hadoop.fs.Path remoteStaging) {
    this.target = target;
    this.staging = staging;
    this.fileByFile = fileByFile;
    this.lock = lock;
    this.fs = fs;
    this.remoteTarget = remoteTarget;
    this.remoteStaging = remoteStaging;
  }

  /** Whether a location names a Hadoop FileSystem URI ({@code scheme:/…}) rather than a local path. */
  public static boolean isUri(String location) {
    return location.matches("[A-Za-z][A-Za-z0-9+.-]*:/.*");
  }

  /**
   * As {@link #prepare(Path, boolean)} for a location that may be a Hadoop URI; {@code hadoop} gives
   * the Hadoop configuration (the job's SparkContext's) only when it is one.
   */
  public static OutputDirectory prepare(String location, boolean overwrite, Supplier<Configuration> hadoop) {
    if (!isUri(location)) {
      return prepare(Path.of(location), overwrite);
    }
    RunLock lock = RunLock.on(location, "--out " + location, hadoop.get());
    try {
      org.apache.hadoop.fs.Path loc = new org.apache.hadoop.fs.Path(location);
      FileSystem fs = loc.getFileSystem(hadoop.get());
      org.apache.hadoop.fs.Path abs = fs.makeQualified(loc);
      if (fs.exists(abs)) {
        if (!fs.getFileStatus(abs).isDirectory()) {
          throw new IllegalArgumentException("--out " + location + " exists and is not a directory");
        }
        if (!overwrite && fs.listStatus(abs).length > 0) {
          throw new IllegalArgumentException("--out " + location + " exists and is not empty; pass --overwrite to replace it");
        }
      }
      String prefix = "." + abs.getName() + ".staging-";
      removeDeadStaging(fs, abs.getParent(), prefix);
      org.apache.hadoop.fs.Path remoteStaging = new org.apache.hadoop.fs.Path(abs.getParent(), prefix + owner()
          + java.util.UUID.randomUUID());
      if (!fs.mkdirs(remoteStaging)) {
        throw new IOException("mkdirs " + remoteStaging + " failed");
      }
      Path local = Files.createTempDirectory("hypergrad-out-" + owner());
      return new OutputDirectory(null, local, false, lock, fs, abs, remoteStaging);
    } catch (IOException e) {
      lock.close();
      throw new UncheckedIOException("cannot create a staging directory beside " + location + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
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
    removeDeadStaging(abs, ".results-staging-");
    return new OutputDirectory(abs, Files.createTempDirectory(abs, ".results-staging-" + owner()), true, null);
  }

  /**
   * As {@link #inside(Path)} for a location that may be a Hadoop URI: the files are staged locally and
   * at commit each is uploaded under a hidden name in the target and renamed to its own, {@value
   * #SUMMARY} last and the old one removed first.
   */
  public static OutputDirectory inside(String location, Configuration hadoop) throws IOException {
    if (!isUri(location)) {
      return inside(Path.of(location));
    }
    org.apache.hadoop.fs.Path loc = new org.apache.hadoop.fs.Path(location);
    FileSystem fs = loc.getFileSystem(hadoop);
    org.apache.hadoop.fs.Path abs = fs.makeQualified(loc);
    fs.mkdirs(abs);
    return new OutputDirectory(null, Files.createTempDirectory("hypergrad-results-" + owner()), true, null, fs, abs, null);
  }

  /**
   * Locks the target ({@link RunLock}: a second run into it is refused while this one lives), checks
   * it and makes the staging directory; call before the job does any work.
   */
  public static OutputDirectory prepare(Path target, boolean overwrite) {
    Path abs = target.toAbsolutePath().normalize();
    RunLock lock = RunLock.onLocal(abs, "--out " + target);
    try {
      return prepare(target, abs, overwrite, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static OutputDirectory prepare(Path target, Path abs, boolean overwrite, RunLock lock) {
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
      removeDeadStaging(parent, "." + abs.getFileName() + ".staging-");
      Path staging = Files.createTempDirectory(parent, "." + abs.getFileName() + ".staging-" + owner());
      return new OutputDirectory(abs, staging, false, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a staging directory beside " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * For {@link #inside}: at commit, also remove the target's entries the new results do not hold,
   * except hidden ones and {@code keep} (a run that replaces an old one's results, e.g. its checkpoint).
   */
  public OutputDirectory replacingAllBut(java.util.Set<String> keep) {
    this.replaceAllBut = keep;
    return this;
  }

  /** Where the job writes its small files (on the driver's disk; uploaded at commit for a URI --out). */
  public Path path(String fileName) {
    return staging.resolve(fileName);
  }

  /** Where Spark writes a dataset (a directory) of the results: in the staging directory on the target's file system. */
  public String datasetPath(String name) {
    if (remoteTarget != null && remoteStaging == null) {
      throw new UnsupportedOperationException("results written file by file into " + remoteTarget + " hold no dataset");
    }
    return remoteStaging != null ? new org.apache.hadoop.fs.Path(remoteStaging, name).toString()
        : staging.resolve(name).toString();
  }

  /** The local target directory (null for a URI --out: see {@link #location}). */
  public Path target() {
    return target;
  }

  /** The target as the job reports it: a local path, or the qualified URI. */
  public String location() {
    return remoteTarget != null ? remoteTarget.toString() : target.toString();
  }

  /** Renames the staging directory to the target, replacing what was there (file by file for {@link #inside}). */
  public void commit() {
    if (remoteTarget != null) {
      if (fileByFile) {
        commitRemoteFiles();
      } else {
        commitRemote();
      }
      return;
    }
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

  private void commitRemote() {
    try {
      try (Stream<Path> st = Files.list(staging)) {
        for (Path f : st.sorted().toList()) {
          fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()),
              new org.apache.hadoop.fs.Path(remoteStaging, f.getFileName().toString()));
        }
      }
      org.apache.hadoop.fs.Path old = null;
      if (fs.exists(remoteTarget)) {
        old = new org.apache.hadoop.fs.Path(remoteTarget.getParent(), "." + remoteTarget.getName() + ".old-"
            + System.nanoTime());
        if (!fs.rename(remoteTarget, old)) {
          throw new IOException("rename " + remoteTarget + " to " + old + " failed");
        }
      }
      if (!fs.rename(remoteStaging, remoteTarget)) {
        throw new IOException("rename " + remoteStaging + " to " + remoteTarget + " failed");
      }
      committed = true;
      if (old != null) {
        fs.delete(old, true);
      }
      deleteTree(staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move results into " + remoteTarget + ": " + e.getMessage(), e);
    }
  }

  private void commitRemoteFiles() {
    try {
      fs.delete(new org.apache.hadoop.fs.Path(remoteTarget, SUMMARY), false);
      java.util.List<Path> files = stagedSummaryLast();
      java.util.Set<String> fresh = new java.util.HashSet<>();
      for (Path f : files) {
        String name = f.getFileName().toString();
        fresh.add(name);
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(remoteTarget, "." + name + ".tmp-" + owner()
            + System.nanoTime());
        org.apache.hadoop.fs.Path dst = new org.apache.hadoop.fs.Path(remoteTarget, name);
        fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()), tmp);
        // a Hadoop rename does not replace: the old file goes first (summary.json is already gone)
        fs.delete(dst, true);
        if (!fs.rename(tmp, dst)) {
          throw new IOException("rename " + tmp + " to " + dst + " failed");
        }
      }
      committed = true;
      if (replaceAllBut != null) {
        for (org.apache.hadoop.fs.FileStatus old : fs.listStatus(remoteTarget)) {
          String name = old.getPath().getName();
          if (replacedBy(name, fresh)) {
            fs.delete(old.getPath(), true);
          }
        }
      }
      deleteTree(staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move results into " + remoteTarget + ": " + e.getMessage(), e);
    }
  }

  /** The staged files in name order, {@value #SUMMARY} last: the order a file-by-file commit moves them in. */
  private java.util.List<Path> stagedSummaryLast() throws IOException {
    try (Stream<Path> st = Files.list(staging)) {
      return st.sorted(Comparator.comparing((Path f) -> f.getFileName().toString().equals(SUMMARY)).thenComparing(Path::compareTo))
          .toList();
    }
  }

  /** With {@link #replacingAllBut}: whether the target's entry {@code name} goes, the new results being {@code fresh}. */
  private boolean replacedBy(String name, java.util.Set<String> fresh) {
    return !name.startsWith(".") && !fresh.contains(name) && !replaceAllBut.contains(name);
  }

  private void commitFiles() {
    try {
      Files.deleteIfExists(target.resolve(SUMMARY));
      java.util.List<Path> files = stagedSummaryLast();
      for (Path f : files) {
        Files.move(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      committed = true;
      if (replaceAllBut != null) {
        java.util.Set<String> fresh = new java.util.HashSet<>();
        files.forEach(f -> fresh.add(f.getFileName().toString()));
        try (Stream<Path> st = Files.list(target)) {
          for (Path old : st.toList()) {
            String name = old.getFileName().toString();
            if (replacedBy(name, fresh)) {
              deleteTree(old);
            }
          }
        }
      }
      deleteTree(staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move results into " + target + ": " + e.getMessage(), e);
    }
  }

  /** Drops the staging directory unless it was committed, and releases the lock. */
  @Override
  public void close() {
    try {
      if (remoteTarget != null) {
        deleteTree(staging);
        if (!committed && remoteStaging != null) {
          fs.delete(remoteStaging, true);
        }
      } else if (!committed) {
        deleteTree(staging);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the staging directory " + remoteStaging + ": " + e.getMessage(), e);
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  /** host-pid-: who made a staging directory. */
  static String owner() {
    return host() + "-" + ProcessHandle.current().pid() + "-";
  }

  static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.]", "_");
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  /** Deletes the staging directories {@code prefix}host-pid-… in {@code dir} of this host's processes that are gone. */
  static void removeDeadStaging(Path dir, String prefix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (Files.isDirectory(p) && ofDeadProcess(p.getFileName().toString(), prefix)) {
          deleteTree(p);
        }
      }
    }
  }

  /** As {@link #removeDeadStaging(Path, String)}, on a Hadoop file system. */
  private static void removeDeadStaging(FileSystem fs, org.apache.hadoop.fs.Path dir, String prefix) throws IOException {
    if (!fs.exists(dir)) {
      return;
    }
    for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir)) {
      if (st.isDirectory() && ofDeadProcess(st.getPath().getName(), prefix)) {
        fs.delete(st.getPath(), true);
      }
    }
  }

  /** Whether {@code name} is {@code prefix}host-pid-… of this host and a process that no longer runs. */
  private static boolean ofDeadProcess(String name, String prefix) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix + host() + "-")
        + "(\\d+)-.*").matcher(name);
    return m.matches() && !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false);
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
