package io.hypergrad.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a killed run left beside --out is removed by the next run into it, and only that. */
class OutputDirectoryTest {
  @TempDir
  Path dir;

  @Test
  void aDeadRunsStagingIsRemovedALiveOneAndAnotherHostsAreKept() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    long deadPid = gone.pid();
    String me = OutputDirectory.owner();
    String host = me.substring(0, me.lastIndexOf('-', me.length() - 2));
    Path dead = Files.createDirectories(dir.resolve(".out.staging-" + host + "-" + deadPid + "-123"));
    Files.writeString(dead.resolve("summary.json"), "{}");
    Path live = Files.createDirectories(dir.resolve(".out.staging-" + me + "456"));
    Path other = Files.createDirectories(dir.resolve(".out.staging-elsewhere-" + deadPid + "-789"));
    Path neighbour = Files.createDirectories(dir.resolve(".other.staging-" + host + "-" + deadPid + "-1"));
    try (OutputDirectory out = OutputDirectory.prepare(dir.resolve("out"), false)) {
      assertFalse(Files.exists(dead), "a killed run's staging directory is removed");
      assertTrue(Files.exists(live), "a running process's staging directory is kept");
      assertTrue(Files.exists(other), "another host's is not this host's to judge");
      assertTrue(Files.exists(neighbour), "another --out's is left alone");
      assertTrue(out.path("x").getParent().getFileName().toString().startsWith(".out.staging-" + me));
    }
  }

  @Test
  void aLiveRunsLockRefusesASecondRunADeadOnesIsTakenOverAndAnotherHostsIsNamed() throws Exception {
    Path out = dir.resolve("locked");
    Path lockFile = dir.resolve(".locked.lock");
    try (OutputDirectory first = OutputDirectory.prepare(out, false)) {
      assertTrue(Files.exists(lockFile));
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> OutputDirectory.prepare(out, true));
      assertTrue(e.getMessage().startsWith("--out " + out + " is being written by another run (process "
          + ProcessHandle.current().pid() + " on " + OutputDirectory.host()), e.getMessage());
      assertTrue(e.getMessage().contains("delete " ), e.getMessage());
    }
    assertFalse(Files.exists(lockFile), "released at close");
    // a crashed holder (its process gone) does not block the next run
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(lockFile, OutputDirectory.host() + " " + gone.pid() + " 1\n");
    try (OutputDirectory next = OutputDirectory.prepare(out, false)) {
      assertTrue(Files.readString(lockFile).startsWith(OutputDirectory.host() + " " + ProcessHandle.current().pid() + " "));
    }
    // a pid reused by a process that started at another time: the holder is gone too
    Files.writeString(lockFile, OutputDirectory.host() + " " + ProcessHandle.current().pid() + " 1\n");
    try (OutputDirectory next = OutputDirectory.prepare(out, false)) {
      assertTrue(Files.exists(lockFile));
    }
    // another host's holder cannot be judged from here: refused, the file named
    Files.writeString(lockFile, "elsewhere 42 1\n");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> OutputDirectory.prepare(out, false));
    assertTrue(e.getMessage().contains("process 42 on elsewhere") && e.getMessage().contains(lockFile.toString()),
        e.getMessage());
    assertEquals("elsewhere 42 1\n", Files.readString(lockFile), "left as it was");
  }

  /**
   * A URI --out goes through the Hadoop FileSystem API (here its local file system, as file:///…): the
   * driver's files and a dataset written on that file system both land in the target at commit, not
   * before; a failed run leaves nothing; overwrite replaces the old results whole.
   */
  @Test
  void aUriOutIsStagedOnItsFileSystemAndRenamedIntoPlace() throws Exception {
    Path target = dir.resolve("on-hadoop");
    String uri = target.toUri().toString();
    assertTrue(uri.startsWith("file:/") && OutputDirectory.isUri(uri), uri);
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    try (OutputDirectory out = OutputDirectory.prepare(uri, false, () -> conf)) {
      Files.writeString(out.path("summary.json"), "{\"run\":1}");
      String dataset = out.datasetPath("scores");
      assertTrue(dataset.startsWith("file:") && dataset.contains("/.on-hadoop.staging-"), dataset);
      org.apache.hadoop.fs.Path part = new org.apache.hadoop.fs.Path(dataset, "part-00000");
      try (java.io.OutputStream w = part.getFileSystem(conf).create(part)) {
        w.write(new byte[] {1, 2, 3});
      }
      assertFalse(Files.exists(target), "nothing in place before commit");
      out.commit();
      assertEquals(target.toUri(), java.net.URI.create(out.location() + "/").normalize());
    }
    assertEquals("{\"run\":1}", Files.readString(target.resolve("summary.json")));
    assertEquals(3, Files.readAllBytes(target.resolve("scores/part-00000")).length);
    try (Stream<Path> beside = Files.list(dir)) {
      assertEquals(List.of("on-hadoop"), beside.map(f -> f.getFileName().toString()).filter(f -> !f.endsWith(".crc"))
          .toList(), "no staging directory or lock left beside it");
    }

    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> OutputDirectory.prepare(uri, false, () -> conf));
    assertTrue(e.getMessage().contains("exists and is not empty"), e.getMessage());

    try (OutputDirectory failed = OutputDirectory.prepare(uri, true, () -> conf)) {
      Files.writeString(failed.path("summary.json"), "{\"run\":2}");
      // no commit: the run failed
    }
    assertEquals("{\"run\":1}", Files.readString(target.resolve("summary.json")), "a failed run changes nothing");

    try (OutputDirectory again = OutputDirectory.prepare(uri, true, () -> conf)) {
      Files.writeString(again.path("summary.json"), "{\"run\":3}");
      again.commit();
    }
    assertEquals("{\"run\":3}", Files.readString(target.resolve("summary.json")));
    assertFalse(Files.exists(target.resolve("scores")), "overwrite replaces the old results whole");
  }
}
