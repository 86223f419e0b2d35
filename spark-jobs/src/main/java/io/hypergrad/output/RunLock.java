package io.hypergrad.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The lock one run holds on a location it writes — a job's {@code --out}, an hpo checkpoint
 * directory on any Hadoop FileSystem — so that a second run into the same place is refused instead
 * of silently replacing the first one's results. It is a small file beside the location, made
 * atomically (create-new on a local disk; create without overwrite, atomic on HDFS, elsewhere), that
 * names its holder: host, process id and the process's start time. A lock whose holder is gone (this
 * host, and no such process, or the pid reused by a process started at another time) is taken over,
 * so a crashed run does not block the next; a holder on another host cannot be checked from here, so
 * the refusal names the file to delete once that run is known to be gone.
 */
public final class RunLock implements AutoCloseable {
  private final FileSystem fs;
  private final Path file;
  private final String token;
  private boolean released;

  private RunLock(FileSystem fs, Path file, String token) {
    this.fs = fs;
    this.file = file;
    this.token = token;
  }

  /** The lock on a local directory: {@code .<name>.lock} beside it. */
  public static RunLock onLocal(java.nio.file.Path location, String what) {
    java.nio.file.Path abs = location.toAbsolutePath().normalize();
    return on(abs.toUri().toString(), what, new Configuration(false));
  }

  /**
   * The lock on {@code location} (a path or a Hadoop FileSystem URI): {@code .<name>.lock} beside it.
   *
   * @param what how the refusal names the location, e.g. "--out out/run"
   * @throws IllegalArgumentException when a live run holds it
   */
  public static RunLock on(String location, String what, Configuration hadoop) {
    try {
      Path loc = new Path(location);
      FileSystem fs = loc.getFileSystem(hadoop);
      Path qualified = fs.makeQualified(loc);
      Path file = new Path(qualified.getParent(), "." + qualified.getName() + ".lock");
      fs.mkdirs(qualified.getParent());
      String token = holder();
      for (int attempt = 0; attempt < 3; attempt++) {
        if (create(fs, file, token)) {
          return new RunLock(fs, file, token);
        }
        String held = read(fs, file);
        if (held == null) {
          continue;
        }
        if (!gone(held) || !takeOver(fs, file, held)) {
          throw new IllegalArgumentException(what + " is being written by another run (" + describe(held) + "); wait for "
              + "it to end, or delete " + file + " if that run is gone");
        }
      }
      throw new IllegalArgumentException(what + ": could not take the lock " + file + " (other runs keep taking it)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + what + ": " + e.getMessage(), e);
    }
  }

  /** host pid start-millis: who holds a lock. */
  private static String holder() {
    ProcessHandle self = ProcessHandle.current();
    return OutputDirectory.host() + " " + self.pid() + " " + startMillis(self);
  }

  private static long startMillis(ProcessHandle p) {
    return p.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
  }

  private static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  /** Makes the file with the token unless it exists. */
  private static boolean create(FileSystem fs, Path file, String token) throws IOException {
    byte[] bytes = (token + "\n").getBytes(StandardCharsets.UTF_8);
    if (isLocal(fs)) {
      try {
        Files.write(Paths.get(file.toUri()), bytes, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(file, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  /** The lock's text, or null when it is gone. */
  private static String read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (java.io.FileNotFoundException | NoSuchFileException e) {
      return null;
    }
  }

  /** Whether the holder is a process of this host that no longer runs. */
  static boolean gone(String held) {
    String[] f = held.split(" ");
    if (f.length != 3 || !f[0].equals(OutputDirectory.host())) {
      return false;
    }
    try {
      long pid = Long.parseLong(f[1]);
      long start = Long.parseLong(f[2]);
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> start != 0 && startMillis(p) != 0
          && startMillis(p) != start).orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Moves a dead holder's lock aside (one rename: of two runs taking over, one wins), checking that
   * what was moved is the lock read and not one a third run made meanwhile.
   */
  private static boolean takeOver(FileSystem fs, Path file, String held) throws IOException {
    Path aside = new Path(file.getParent(), file.getName() + ".gone-" + ProcessHandle.current().pid() + "-"
        + System.nanoTime());
    if (!fs.rename(file, aside)) {
      return true;
    }
    String moved = read(fs, aside);
    if (held.equals(moved)) {
      fs.delete(aside, false);
      return true;
    }
    fs.rename(aside, file);
    return false;
  }

  private static String describe(String held) {
    String[] f = held.split(" ");
    if (f.length != 3) {
      return "lock file text '" + held + "'";
    }
    String started = "";
    try {
      long ms = Long.parseLong(f[2]);
      started = ms == 0 ? "" : String.format(Locale.ROOT, ", started %s", java.time.Instant.ofEpochMilli(ms));
    } catch (NumberFormatException e) {
      // keep the rest
    }
    return "process " + f[1] + " on " + f[0] + started;
  }

  /** Releases the lock (only if it is still this run's). */
  @Override
  public void close() {
    if (released) {
      return;
    }
    released = true;
    try {
      if (token.equals(read(fs, file))) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock " + file + ": " + e.getMessage(), e);
    }
  }
}
