package io.hypergrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input and faults at the command line, each as a user meets it: the exit code (1 bad input or a
 * failed run, 2 bad usage), one line naming what is wrong (file, line, field or key) and no stack
 * trace, and {@code --out} either never made or left exactly as it was.
 */
class BadInputCorpusTest {
  static Path dir;
  // a prepared directory (Parquet splits and metadata.json), copied and damaged by the cases that need one
  static Path prepared;

  /** What a case's --out must look like afterwards. */
  enum Out { ABSENT, UNTOUCHED }

  /**
   * One case: the arguments made by {@code args} (given the case's own directory; "OUT" stands for
   * --out), the exit code, a fragment the error line must hold, and --out's state after the run.
   */
  record Case(String name, Function<Path, List<String>> args, int code, String message, Out out) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void prepareOnce() throws Exception {
    dir = Files.createTempDirectory("bad-input");
    Path csv = write(dir.resolve("good.csv"), "x1,x2,y\n" + rows(40));
    prepared = dir.resolve("prepared");
    Result r = cli(List.of("prepare", "--conf", write(dir.resolve("prepare.conf"), "data { format = csv, paths = [\""
        + slash(csv) + "\"], label_column = y, split { train = 30, val = 10, test = 0 } }\n").toString(), "--out",
        prepared.toString()));
    assertEquals(0, r.code(), r.err());
  }

  @AfterAll
  static void cleanUp() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static String rows(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i * 0.1).append(',').append((i * 7) % 5 * 0.3).append(',').append(i % 2).append('\n');
    }
    return b.toString();
  }

  static String slash(Path p) {
    return p.toString().replace("\\", "/");
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(byte[] bytes) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (OutputStream z = new GZIPOutputStream(b)) {
        z.write(bytes);
      }
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An IDX header: magic 0x0000_08_dims, then each dimension, big-endian. */
  static byte[] idx(int[] dims, int payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload).order(ByteOrder.BIG_ENDIAN);
    b.putInt(0x00000800 | dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.array();
  }

  /** A synthetic-task config (no data files) with extra text. */
  static Path synthetic(Path d, String extra) {
    return write(d.resolve("job.conf"), """
        task = synthetic
        problem { size = 4, n_parent = 10, epsilon = 0.01, seed = 1 }
        seeds = 1
        iterations = 20
        estimators = [{ method = neumann }, { method = exact }]
        """ + extra);
  }

  /** A GLM config over the CSV file {@code data} with extra text. */
  static Path glm(Path d, Path data, String extra) {
    return write(d.resolve("job.conf"), "task = glm\ndata { format = csv, paths = [\"" + slash(data)
        + "\"], label_column = y, split { train = 30, val = 10 } }\nproblem { model = logistic, hyper_model = l2, rho = 0.1 }\n"
        + "seeds = 1\niterations = 20\nestimators = [{ method = exact }]\n" + extra);
  }

  /** An influence config over the CSV file {@code data} with extra text. */
  static Path influence(Path d, Path data, String extra) {
    return write(d.resolve("job.conf"), "task = glm\ndata { format = csv, paths = [\"" + slash(data)
        + "\"], label_column = y, split { train = 30, val = 10 } }\nproblem { model = logistic, hyper_model = l2, rho = 0.1 }\n"
        + "method = cg\n" + extra);
  }

  /** A prepare config reading {@code format} from the given files, with extra data keys. */
  static Path prepare(Path d, String format, String extraData, Path... files) {
    StringBuilder paths = new StringBuilder();
    for (Path f : files) {
      paths.append(paths.length() == 0 ? "" : ", ").append('"').append(slash(f)).append('"');
    }
    return write(d.resolve("prepare.conf"), "data { format = " + format + ", paths = [" + paths + "]" + extraData
        + ", split { train = 2, val = 1, test = 0 } }\n");
  }

  /** A copy of the good prepared directory, damaged by {@code damage}, as an influence config's data.prepared. */
  static Path damagedPrepared(Path d, java.util.function.Consumer<Path> damage) {
    Path copy = d.resolve("prepared");
    try (Stream<Path> s = Files.walk(prepared)) {
      for (Path f : s.toList()) {
        Files.copy(f, copy.resolve(prepared.relativize(f).toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    damage.accept(copy);
    return write(d.resolve("job.conf"), "task = glm\ndata { prepared = \"" + slash(copy) + "\" }\nproblem { model = "
        + "logistic, hyper_model = l2, rho = 0.1 }\nmethod = cg\n");
  }

  static Path parquetFile(Path split) {
    try (Stream<Path> s = Files.list(split)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> job(String job, Path conf, String... more) {
    List<String> a = new ArrayList<>(List.of(job, "--conf", conf.toString(), "--out", "OUT"));
    a.addAll(List.of(more));
    return a;
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    // --- configuration and usage ---
    c.add(new Case("unknown key", d -> job("estimate", synthetic(d, "iteratons = 5\n")), 1,
        "unknown config key 'iteratons'", Out.ABSENT));
    c.add(new Case("fractional count", d -> job("estimate", synthetic(d, ""), "--set", "iterations=10.5"), 1,
        "iterations must be a whole number, got 10.5", Out.ABSENT));
    c.add(new Case("negative count", d -> job("estimate", synthetic(d, ""), "--set", "seeds=-2"), 1,
        "seeds must be a positive integer", Out.ABSENT));
    c.add(new Case("--set without =", d -> job("estimate", synthetic(d, ""), "--set", "iterations"), 2,
        "expected KEY=VALUE, got 'iterations'", Out.ABSENT));
    c.add(new Case("no --conf", d -> List.of("estimate", "--out", "OUT"), 2, "--conf", Out.ABSENT));
    c.add(new Case("unknown job", d -> List.of("frobnicate"), 2, "frobnicate", Out.ABSENT));
    c.add(new Case("unknown option", d -> job("estimate", synthetic(d, ""), "--verbose"), 2, "--verbose", Out.ABSENT));
    c.add(new Case("missing config file", d -> job("estimate", d.resolve("nope.conf")), 1, "nope.conf", Out.ABSENT));
    c.add(new Case("HOCON syntax error", d -> job("estimate", write(d.resolve("job.conf"), "task = synthetic\nseeds = {\n")),
        1, "job.conf", Out.ABSENT));
    c.add(new Case("unknown method", d -> job("estimate", synthetic(d, ""), "--set", "estimators=[{method=newton}]"), 1,
        "newton", Out.ABSENT));
    c.add(new Case("a number that is not", d -> job("estimate", synthetic(d, ""), "--set", "iterations=many"), 1, "iterations",
        Out.ABSENT));
    c.add(new Case("alpha out of range", d -> job("estimate", synthetic(d, ""), "--set",
        "estimators=[{method=mixed-fp-km, alpha=1.5, schedule=const, eta=0.1}]"), 1,
        "alpha must lie in [0, 1]", Out.ABSENT));
    c.add(new Case("unknown task", d -> job("estimate", write(d.resolve("job.conf"), "task = vision\nestimators = [{ method = exact }]\n")), 1, "vision",
        Out.ABSENT));
    c.add(new Case("unknown data format", d -> job("prepare", prepare(d, "arff", "", d.resolve("x.arff"))), 1, "arff",
        Out.ABSENT));
    c.add(new Case("unknown model", d -> job("estimate", glm(d, write(d.resolve("d.csv"), "x1,x2,y\n" + rows(40)),
        "problem.model = svm\n")), 1, "svm", Out.ABSENT));
    c.add(new Case("unknown hyper-model", d -> job("estimate", glm(d, write(d.resolve("d.csv"), "x1,x2,y\n" + rows(40)),
        "problem.hyper_model = dropout\n")), 1, "dropout", Out.ABSENT));
    c.add(new Case("unknown influence target", d -> job("influence", influence(d, write(d.resolve("d.csv"), "x1,x2,y\n"
        + rows(40)), "influence.target = everything\n")), 1, "unknown influence.target 'everything'", Out.ABSENT));
    c.add(new Case("noise fraction out of range", d -> job("influence", influence(d, write(d.resolve("d.csv"), "x1,x2,y\n"
        + rows(40)), "noise_top_fraction = 2\n")), 1, "noise_top_fraction must be in (0, 1]", Out.ABSENT));
    c.add(new Case("rank zero", d -> job("influence", influence(d, write(d.resolve("d.csv"), "x1,x2,y\n" + rows(40)),
        "influence { target = self, rank = 0 }\n")), 1, "influence.rank must be a positive integer", Out.ABSENT));
    c.add(new Case("negative power steps", d -> job("influence", influence(d, write(d.resolve("d.csv"), "x1,x2,y\n" + rows(40)),
        "influence { target = self, power_steps = -1 }\n")), 1, "influence.power_steps must be an integer ≥ 0",
        Out.ABSENT));
    c.add(new Case("split larger than the data", d -> job("prepare", write(d.resolve("p.conf"), "data { format = csv, "
        + "paths = [\"" + slash(write(d.resolve("d.csv"), "x1,x2,y\n" + rows(5))) + "\"], label_column = y, split { train = "
        + "50, val = 10 } }\n")), 1, "5", Out.ABSENT));
    c.add(new Case("label noise fraction above 1", d -> job("prepare", write(d.resolve("p.conf"), "data { format = csv, "
        + "paths = [\"" + slash(write(d.resolve("d.csv"), "x1,x2,y\n" + rows(20))) + "\"], label_column = y, split { train = "
        + "10, val = 5 }, label_noise { fraction = 1.5 } }\n")), 1, "fraction", Out.ABSENT));
    // --- --out ---
    c.add(new Case("--out is a file", d -> {
      write(d.resolve("OUT"), "not a directory");
      return job("estimate", synthetic(d, ""));
    }, 1, "exists and is not a directory", Out.UNTOUCHED));
    c.add(new Case("--out not empty", d -> {
      write(d.resolve("OUT").resolve("keep.txt"), "precious");
      return job("estimate", synthetic(d, ""));
    }, 1, "pass --overwrite to replace it", Out.UNTOUCHED));
    c.add(new Case("--out locked by a live run", d -> {
      write(d.resolve("OUT").resolve("keep.txt"), "precious");
      write(d.resolve(".OUT.lock"), io.hypergrad.output.OutputDirectoryAccess.host() + " " + ProcessHandle.current().pid()
          + " " + ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli() + "\n");
      return job("estimate", synthetic(d, ""), "--overwrite");
    }, 1, "is being written by another run", Out.UNTOUCHED));
    c.add(new Case("--overwrite of a run that then fails", d -> {
      write(d.resolve("OUT").resolve("summary.json"), "{\"old\": true}");
      return job("estimate", synthetic(d, ""), "--overwrite", "--set", "scale=40");
    }, 1, "scale must stay below", Out.UNTOUCHED));
    // --- data files ---
    c.add(new Case("CSV: a word for a number", d -> job("prepare", prepare(d, "csv", ", label_column = y",
        write(d.resolve("d.csv"), "x1,x2,y\n1,2,0\n1,two,1\n3,4,0\n"))), 1, "d.csv:3: field x2: expected a finite number, "
        + "found 'two'", Out.ABSENT));
    c.add(new Case("CSV: a short row", d -> job("prepare", prepare(d, "csv", ", label_column = y",
        write(d.resolve("d.csv"), "x1,x2,y\n1,2,0\n1,1\n3,4,0\n"))), 1, "d.csv:3", Out.ABSENT));
    c.add(new Case("CSV: empty file", d -> job("prepare", prepare(d, "csv", ", label_column = y",
        write(d.resolve("d.csv"), ""))), 1, "d.csv", Out.ABSENT));
    c.add(new Case("CSV: no such label column", d -> job("prepare", prepare(d, "csv", ", label_column = target",
        write(d.resolve("d.csv"), "x1,x2,y\n1,2,0\n1,1,1\n3,4,0\n"))), 1, "target", Out.ABSENT));
    c.add(new Case("CSV: NaN", d -> job("prepare", prepare(d, "csv", ", label_column = y",
        write(d.resolve("d.csv"), "x1,x2,y\n1,2,0\n1,NaN,1\n3,4,0\n"))), 1, "d.csv:3: field x2", Out.ABSENT));
    c.add(new Case("CSV: truncated gzip", d -> {
      byte[] z = gzip(("x1,x2,y\n" + rows(2000)).getBytes(StandardCharsets.UTF_8));
      return job("prepare", prepare(d, "csv", ", label_column = y", write(d.resolve("d.csv.gz"),
          java.util.Arrays.copyOf(z, z.length / 2))));
    }, 1, "d.csv.gz", Out.ABSENT));
    c.add(new Case("no such data file", d -> job("prepare", prepare(d, "csv", ", label_column = y", d.resolve("gone.csv"))),
        1, "gone.csv", Out.ABSENT));
    c.add(new Case("LIBSVM: a word for a value", d -> job("prepare", prepare(d, "libsvm", "",
        write(d.resolve("d.svm"), "1 1:0.5 2:0.1\n0 1:abc\n1 2:1\n"))), 1, "d.svm:2", Out.ABSENT));
    c.add(new Case("LIBSVM: index 0", d -> job("prepare", prepare(d, "libsvm", "",
        write(d.resolve("d.svm"), "1 1:0.5 2:0.1\n0 0:1\n1 2:1\n"))), 1, "d.svm:2", Out.ABSENT));
    c.add(new Case("LIBSVM: indices out of order", d -> job("prepare", prepare(d, "libsvm", "",
        write(d.resolve("d.svm"), "1 1:0.5 2:0.1\n0 3:1 2:1\n1 2:1\n"))), 1, "d.svm:2", Out.ABSENT));
    c.add(new Case("LIBSVM: an index near 2^31", d -> job("prepare", prepare(d, "libsvm", "",
        write(d.resolve("d.svm"), "1 1:0.5 2:0.1\n0 2147483000:1\n1 2:1\n"))), 1, "d.svm:2", Out.ABSENT));
    c.add(new Case("IDX: bad magic", d -> job("prepare", prepare(d, "idx", "",
        write(d.resolve("img.idx"), new byte[] {1, 2, 3, 4, 0, 0, 0, 1}), write(d.resolve("lbl.idx"), idx(new int[] {1}, 1)))),
        1, "img.idx", Out.ABSENT));
    c.add(new Case("IDX: header cut short", d -> job("prepare", prepare(d, "idx", "",
        write(d.resolve("img.idx"), java.util.Arrays.copyOf(idx(new int[] {3, 2, 2}, 0), 9)),
        write(d.resolve("lbl.idx"), idx(new int[] {3}, 3)))), 1, "img.idx", Out.ABSENT));
    c.add(new Case("IDX: absurd dimensions", d -> job("prepare", prepare(d, "idx", "",
        write(d.resolve("img.idx"), idx(new int[] {2000000000, 28, 28}, 16)), write(d.resolve("lbl.idx"),
        idx(new int[] {3}, 3)))), 1, "img.idx", Out.ABSENT));
    c.add(new Case("IDX: counts disagree", d -> job("prepare", prepare(d, "idx", "",
        write(d.resolve("img.idx"), idx(new int[] {3, 2, 2}, 12)), write(d.resolve("lbl.idx"), idx(new int[] {4}, 4)))), 1,
        "lbl.idx", Out.ABSENT));
    c.add(new Case("Adult: a row with too few fields", d -> job("prepare", prepare(d, "adult", "",
        write(d.resolve("adult.data"), "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, "
            + "White, Male, 2174, 0, 40, United-States, <=50K\n39, State-gov, 77516\n"))), 1, "adult.data:2", Out.ABSENT));
    // --- prepared data ---
    c.add(new Case("prepared: no train/", d -> job("influence", damagedPrepared(d, p -> delete(p.resolve("train")))), 1,
        "a prepare output without its train/ split", Out.ABSENT));
    c.add(new Case("prepared: metadata.json not JSON", d -> job("influence", damagedPrepared(d,
        p -> write(p.resolve("metadata.json"), "{ \"counts\": "))), 1, "metadata.json", Out.ABSENT));
    c.add(new Case("prepared: no metadata.json", d -> job("influence", damagedPrepared(d,
        p -> delete(p.resolve("metadata.json")))), 1, "metadata.json", Out.ABSENT));
    c.add(new Case("prepared: a truncated Parquet file", d -> job("influence", damagedPrepared(d, p -> {
      Path f = parquetFile(p.resolve("train"));
      try {
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    })), 1, ".parquet", Out.ABSENT));
    c.add(new Case("prepared: with split keys it ignores", d -> {
      Path conf = damagedPrepared(d, p -> { });
      try {
        Files.writeString(conf, Files.readString(conf) + "data.split.method = column\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return job("influence", conf, "--set", "problem.rho=-1");
    }, 1, "rho", Out.ABSENT));
    // --- runs that fail ---
    c.add(new Case("divergence", d -> job("estimate", synthetic(d, ""), "--set", "scale=40"), 1, "scale must stay below",
        Out.ABSENT));
    c.add(new Case("influence on a model without validation rows", d -> job("influence", write(d.resolve("job.conf"),
        "task = glm\ndata { format = csv, paths = [\"" + slash(write(d.resolve("d.csv"), "x1,x2,y\n" + rows(20)))
        + "\"], label_column = y, split { train = 20, val = 0, test = 0 } }\nproblem { model = logistic, hyper_model = l2, "
        + "rho = 0.1 }\nmethod = cg\n")), 1, "needs validation rows", Out.ABSENT));
    return c.stream();
  }

  static void delete(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Result(int code, String err) {}

  static Result cli(List<String> args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      int code = Hypergrad.execute(args.toArray(String[]::new));
      return new Result(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }

  /** Every file under {@code root} with its bytes, to compare before and after. */
  static java.util.Map<String, String> tree(Path root) throws IOException {
    java.util.Map<String, String> m = new java.util.TreeMap<>();
    if (!Files.exists(root)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.toList()) {
        m.put(root.relativize(f).toString(), Files.isRegularFile(f) ? java.util.Base64.getEncoder()
            .encodeToString(Files.readAllBytes(f)) : "dir");
      }
    }
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void failsWithOneLineAndLeavesOutAsItWas(Case c) throws Exception {
    Path d = Files.createDirectories(dir.resolve("case-" + Integer.toHexString(c.name().hashCode())));
    Path out = d.resolve("OUT");
    List<String> args = c.args().apply(d).stream().map(a -> a.equals("OUT") ? out.toString() : a).toList();
    java.util.Map<String, String> before = tree(out);
    Result r = cli(args);
    String err = r.err();
    assertEquals(c.code(), r.code(), err);
    assertTrue(err.contains(c.message()), "expected '" + c.message() + "' in: " + err);
    assertFalse(err.contains("\tat ") || err.contains("internal error"), "a stack trace: " + err);
    if (c.code() == 1) {
      List<String> lines = err.lines().filter(l -> l.startsWith("hypergrad: ")).toList();
      assertEquals(1, lines.size(), err);
      assertTrue(lines.get(0).startsWith("hypergrad: error: "), err);
    }
    if (c.out() == Out.ABSENT) {
      assertFalse(Files.exists(out), "--out was made");
    } else {
      assertEquals(before, tree(out), "--out changed");
    }
    try (Stream<Path> s = Files.list(d)) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.contains("staging")).toList(),
          "staging left behind");
    }
  }
}
