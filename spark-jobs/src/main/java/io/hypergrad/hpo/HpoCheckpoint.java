package io.hypergrad.hpo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.optim.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code hpo} job's checkpoint: everything the outer loop needs to go on exactly where it
 * stopped — λ, the inner x, both optimisers' states, the sampler's seed and next stream, the history
 * — written after every outer step through the Hadoop FileSystem API (a local path, HDFS or an object
 * store URI). Each step is a new file {@code step-NNNNNN.json}, written under a temporary name and
 * renamed, so a kill leaves either the previous step or the new one, never half of one. The file
 * ends with the SHA-256 of its body and carries the fingerprint of the config that wrote it: a
 * damaged or foreign checkpoint is refused, not resumed.
 */
public final class HpoCheckpoint {
  static final String FORMAT = "hypergrad-hpo-checkpoint/1";
  private static final String PREFIX = "step-";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEEP = 2;

  /** The loop's state after outer step {@code step} (0 = after the first inner phase, before any λ update). */
  record State(int step, double[] lambda, double[] x, Optimizer.State inner, Optimizer.State outer, long seed,
      long samples, double seconds, List<double[]> history, Map<String, double[]> methodState) {
    State(int step, double[] lambda, double[] x, Optimizer.State inner, Optimizer.State outer, long seed, long samples,
        double seconds, List<double[]> history) {
      this(step, lambda, x, inner, outer, seed, samples, seconds, history, Map.of());
    }
  }

  /** A checkpoint that cannot be resumed: damaged, foreign or unreadable. */
  public static final class RefusedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  private final FileSystem fs;
  private final Path dir;
  private final String fingerprint;

  HpoCheckpoint(String dir, String fingerprint, Configuration hadoop) throws IOException {
    Path path = new Path(dir);
    this.fs = path.getFileSystem(hadoop);
    this.dir = fs.makeQualified(path);
    this.fingerprint = fingerprint;
  }

  private HpoCheckpoint(FileSystem fs, Path dir, String fingerprint) {
    this.fs = fs;
    this.dir = dir;
    this.fingerprint = fingerprint;
  }

  String location() {
    return dir.toString();
  }

  /** Step files present, oldest first. */
  private List<Path> steps() throws IOException {
    List<Path> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (name.startsWith(PREFIX) && name.endsWith(".json")) {
        out.add(st.getPath());
      }
    }
    out.sort((a, b) -> a.getName().compareTo(b.getName()));
    return out;
  }

  boolean exists() throws IOException {
    return !steps().isEmpty();
  }

  /** Deletes every checkpoint file (a fresh start with --overwrite). */
  void clear() throws IOException {
    if (fs.exists(dir)) {
      fs.delete(dir, true);
    }
  }

  /** The newest step, or null when there is none; refuses one that is damaged or was written by another config. */
  State latest() throws IOException {
    List<Path> all = steps();
    if (all.isEmpty()) {
      return null;
    }
    Path file = all.get(all.size() - 1);
    byte[] bytes;
    try (InputStream in = fs.open(file)) {
      bytes = in.readAllBytes();
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      // the file system's own checksum (a local path's .crc, HDFS's block checksums) caught the damage first
      throw new RefusedException("checkpoint " + file + " is corrupt: " + e.getMessage() + "; delete it, or pass "
          + "--overwrite to start over");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    int cut = text.lastIndexOf("\nsha256 ");
    if (cut < 0) {
      throw new RefusedException("checkpoint " + file + " is corrupt: no sha256 line at its end (truncated or not a "
          + "hypergrad checkpoint); delete it, or pass --overwrite to start over");
    }
    String body = text.substring(0, cut);
    String expected = text.substring(cut + "\nsha256 ".length()).trim();
    if (!sha256(body).equals(expected)) {
      throw new RefusedException("checkpoint " + file + " is corrupt: its sha256 does not match its content; delete it, "
          + "or pass --overwrite to start over");
    }
    Map<String, Object> m;
    try {
      m = JSON.readValue(body, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new RefusedException("checkpoint " + file + " is corrupt: " + e.getMessage());
    }
    if (!FORMAT.equals(m.get("format"))) {
      throw new RefusedException("checkpoint " + file + " has format " + m.get("format") + ", expected " + FORMAT);
    }
    if (!fingerprint.equals(m.get("config_fingerprint"))) {
      throw new RefusedException("checkpoint " + file + " was written by a different configuration (fingerprint "
          + m.get("config_fingerprint") + ", this run's is " + fingerprint + "); resume with the same config and --set "
          + "options, use another --out, or pass --overwrite to start over");
    }
    List<double[]> history = new ArrayList<>();
    for (Object row : (List<?>) m.get("history")) {
      history.add(doubles(row));
    }
    Map<String, double[]> methodState = new LinkedHashMap<>();
    if (m.get("method_state") instanceof Map<?, ?> ms) {
      for (Map.Entry<?, ?> e : ms.entrySet()) {
        methodState.put(String.valueOf(e.getKey()), fromBase64(String.valueOf(e.getValue())));
      }
    }
    return new State(((Number) m.get("step")).intValue(), doubles(m.get("lambda")), doubles(m.get("x")),
        optimizer(m.get("inner_optimizer")), optimizer(m.get("outer_optimizer")), ((Number) m.get("seed")).longValue(),
        ((Number) m.get("samples")).longValue(), ((Number) m.get("seconds")).doubleValue(), history, methodState);
  }

  /** Writes step {@code state.step()} atomically, then drops all but the newest {@value #KEEP} steps. */
  void write(State state) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("config_fingerprint", fingerprint);
    m.put("step", state.step());
    m.put("lambda", state.lambda());
    m.put("x", state.x());
    m.put("inner_optimizer", optimizer(state.inner()));
    m.put("outer_optimizer", optimizer(state.outer()));
    m.put("seed", state.seed());
    m.put("samples", state.samples());
    m.put("seconds", state.seconds());
    m.put("history", state.history());
    // a joint method's state (NHGD's Fisher blocks can be p² doubles): raw IEEE-754 bits, base64
    Map<String, String> methodState = new LinkedHashMap<>();
    state.methodState().forEach((k, v) -> methodState.put(k, toBase64(v)));
    m.put("method_state", methodState);
    String body = JSON.writeValueAsString(m);
    byte[] bytes = (body + "\nsha256 " + sha256(body) + "\n").getBytes(StandardCharsets.UTF_8);
    fs.mkdirs(dir);
    String name = String.format("%s%06d.json", PREFIX, state.step());
    Path tmp = new Path(dir, "." + name + ".tmp-" + System.nanoTime());
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(bytes);
    }
    Path target = new Path(dir, name);
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
    List<Path> all = steps();
    for (int i = 0; i < all.size() - KEEP; i++) {
      fs.delete(all.get(i), false);
    }
  }

  static String toBase64(double[] v) {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.asDoubleBuffer().put(v);
    return java.util.Base64.getEncoder().encodeToString(buf.array());
  }

  static double[] fromBase64(String text) {
    byte[] bytes = java.util.Base64.getDecoder().decode(text);
    double[] v = new double[bytes.length / 8];
    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
    return v;
  }

  private static Map<String, Object> optimizer(Optimizer.State s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("steps", s.steps());
    m.put("first", s.first());
    m.put("second", s.second());
    return m;
  }

  private static Optimizer.State optimizer(Object o) {
    Map<?, ?> m = (Map<?, ?>) o;
    return new Optimizer.State(((Number) m.get("steps")).longValue(), doubles(m.get("first")), doubles(m.get("second")));
  }

  /** Jackson writes doubles with Double.toString and reads them with Double.parseDouble: an exact round trip. */
  private static double[] doubles(Object o) {
    List<?> list = (List<?>) o;
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      // NaN (an accuracy a regression does not have) is written as the string "NaN"
      out[i] = list.get(i) instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(list.get(i)));
    }
    return out;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
  /** Keys that may change between a run and its resumption: they do not change any step's result. */
  private static final java.util.Set<String> RESUMABLE_KEYS = java.util.Set.of("outer.steps", "time_budget", "checkpoint_dir",
      "baseline.enabled", "baseline.reg_params", "baseline.max_iter");

  /** Where a run that replaces this checkpoint's run (--overwrite) keeps its own until it has finished. */
  HpoCheckpoint replacement() throws IOException {
    return new HpoCheckpoint(fs, new Path(dir.getParent(), dir.getName() + ".replacement"), fingerprint);
  }

  /** Puts {@code finished}'s steps in this checkpoint's place (the old ones removed first). */
  void replaceWith(HpoCheckpoint finished) throws IOException {
    if (fs.exists(dir)) {
      fs.delete(dir, true);
    }
    if (!fs.rename(finished.dir, dir)) {
      throw new IOException("cannot rename " + finished.dir + " to " + dir);
    }
  }

  /**
   * Which checkpoint this run writes. --out holds the checkpoint and, once the run ends, the results;
   * a non-empty --out without a checkpoint is refused (as every job refuses to overwrite). With
   * --overwrite the run starts over in {@link #replacement}, so the old results and checkpoint stay
   * until it has finished (the caller swaps them then); a replacement left by such a run that was cut
   * short is where the same command, run again, goes on.
   */
  static HpoCheckpoint prepareOut(String out, String shown, Configuration hadoop, HpoCheckpoint main, boolean overwrite)
      throws IOException {
    HpoCheckpoint replacement = main.replacement();
    if (overwrite) {
      replacement.clear();
      return main.exists() ? replacement : main;
    }
    if (replacement.exists()) {
      return replacement;
    }
    if (main.exists()) {
      return main;
    }
    Path loc = new Path(out);
    FileSystem outFs = loc.getFileSystem(hadoop);
    if (outFs.exists(loc)) {
      if (!outFs.getFileStatus(loc).isDirectory()) {
        throw new IllegalArgumentException("--out " + shown + " exists and is not a directory");
      }
      for (org.apache.hadoop.fs.FileStatus f : outFs.listStatus(loc)) {
        String name = f.getPath().getName();
        if (!name.startsWith("checkpoint") && !name.startsWith(".")) {
          throw new IllegalArgumentException("--out " + shown + " exists, is not empty and holds no hpo checkpoint; pass "
              + "--overwrite to replace it");
        }
      }
    }
    return main;
  }

  /**
   * SHA-256 of every config value (after --set) except those that cannot change a step's result:
   * a checkpoint resumes only under the configuration that wrote it.
   */
  static String fingerprint(io.hypergrad.config.JobConfig cfg) {
    java.util.TreeMap<String, String> flat = new java.util.TreeMap<>();
    for (Map.Entry<String, com.typesafe.config.ConfigValue> e : cfg.raw().entrySet()) {
      if (!RESUMABLE_KEYS.contains(e.getKey())) {
        flat.put(e.getKey(), e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise()));
      }
    }
    return sha256(flat.toString());
  }

}
