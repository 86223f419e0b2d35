package io.hypergrad.prep;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;

/**
 * Raw files → scaled, seeded train/val/test splits in memory, with the metadata that makes the
 * result reproducible (source checksums, counts, classes, scaler parameters, seeds, dropped rows).
 * Order of work: read, split (seeded permutation; rows of a split kept in source order), add
 * label noise to train, fit the scaler on train, scale every split.
 */
public final class DataPreparation {
  private DataPreparation() {}

  /** The prepared splits (train, val, test; an empty split is left out) and metadata.json's content. */
  public record Result(List<PreparedSplit> splits, Map<String, Object> metadata, int featureCount, int classes) {
    public PreparedSplit split(String name) {
      return splits.stream().filter(s -> s.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no " + name + " split was prepared"));
    }
  }

  public static Result run(DataSpec spec) throws IOException {
    RawDataset raw = read(spec);
    int n = raw.size();
    int featureCount = raw.featureNames().size();
    int classes = classCount(raw.labels());
    int[] counts = spec.split().counts(n);
    byte[] member = Permutation.splits(n, counts, spec.seed());
    String[] names = {"train", "val", "test"};
    // membership is random, order within a split is the source's: one canonical row order
    // whether the rows come from raw files or from Parquet sorted by id
    long[][] ids = new long[3][];
    int[] filled = new int[3];
    for (int s = 0; s < 3; s++) {
      ids[s] = new long[counts[s]];
    }
    for (int i = 0; i < n; i++) {
      if (member[i] < 3) {
        ids[member[i]][filled[member[i]]++] = i;
      }
    }
    double[] trainLabels = gather(raw.labels(), ids[0]);
    double[] cleanTrain = null;
    int noisyRows = 0;
    if (spec.noiseFraction() > 0) {
      if (classes == 0) {
        throw new IllegalArgumentException("label noise needs class labels 0…K−1; this dataset's labels are continuous");
      }
      boolean[] noisy = new boolean[trainLabels.length];
      cleanTrain = trainLabels;
      trainLabels = LabelNoise.apply(trainLabels, classes, spec.noiseFraction(), spec.noiseSeed(), noisy);
      for (boolean b : noisy) {
        noisyRows += b ? 1 : 0;
      }
    }
    Vector[] trainRaw = gather(raw.features(), ids[0]);
    Scaler scaler = Scaler.fit(spec.scaler(), trainRaw, featureCount);
    List<PreparedSplit> splits = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      if (counts[s] == 0) {
        continue;
      }
      Vector[] f = s == 0 ? trainRaw : gather(raw.features(), ids[s]);
      Vector[] scaled = new Vector[f.length];
      for (int i = 0; i < f.length; i++) {
        scaled[i] = scaler.apply(f[i]);
      }
      splits.add(new PreparedSplit(names[s], ids[s], scaled, s == 0 ? trainLabels : gather(raw.labels(), ids[s]),
          s == 0 ? cleanTrain : null));
    }

    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", spec.format());
    List<Map<String, Object>> sources = new ArrayList<>();
    for (Path p : spec.paths()) {
      Map<String, Object> src = new LinkedHashMap<>();
      src.put("path", p.toString());
      src.put("bytes", Files.size(p));
      src.put("sha256", sha256(p));
      sources.add(src);
    }
    meta.put("sources", sources);
    meta.put("rows_read", n);
    meta.put("dropped", raw.dropped());
    Map<String, Object> countMap = new LinkedHashMap<>();
    for (int s = 0; s < 3; s++) {
      countMap.put(names[s], counts[s]);
    }
    meta.put("counts", countMap);
    meta.put("features", featureCount);
    meta.put("feature_names", raw.featureNames());
    meta.put("classes", classes);
    if (!raw.encodings().isEmpty()) {
      meta.put("categorical_encodings", raw.encodings());
    }
    meta.put("scaler", scaler.describe());
    meta.put("split_seed", spec.seed());
    Map<String, Object> noise = new LinkedHashMap<>();
    noise.put("fraction", spec.noiseFraction());
    noise.put("seed", spec.noiseSeed());
    noise.put("rows_changed", noisyRows);
    meta.put("label_noise", noise);
    return new Result(splits, meta, featureCount, classes);
  }

  private static RawDataset read(DataSpec spec) throws IOException {
    List<Path> p = spec.paths();
    return switch (spec.format()) {
      case "adult" -> AdultReader.read(p);
      case "california" -> CaliforniaReader.read(p.get(0), CaliforniaReader.Features.named(spec.californiaFeatures()));
      case "idx" -> IdxReader.read(p.get(0), p.get(1));
      case "libsvm" -> LibsvmReader.read(p.get(0), spec.numFeatures(), true);
      case "csv" -> CsvReader.read(p.get(0), spec.labelColumn(), spec.separator());
      default -> throw new IllegalArgumentException("unknown data format '" + spec.format() + "'");
    };
  }

  /** K when every label is an integer in [0, 10⁴) (K = largest + 1), else 0 (a regression target). */
  static int classCount(double[] labels) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    boolean integral = true;
    for (double y : labels) {
      min = Math.min(min, y);
      max = Math.max(max, y);
      integral &= y == Math.rint(y);
    }
    return classCount(min, max, integral);
  }

  /** {@link #classCount(double[])} from the labels' range and whether all are integers (0 for no labels). */
  public static int classCount(double min, double max, boolean integral) {
    return integral && min >= 0 && max >= 0 && max < 10_000 ? (int) max + 1 : 0;
  }

  private static double[] gather(double[] a, long[] ids) {
    double[] out = new double[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = a[(int) ids[i]];
    }
    return out;
  }

  private static Vector[] gather(Vector[] a, long[] ids) {
    Vector[] out = new Vector[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = a[(int) ids[i]];
    }
    return out;
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int r;
      while ((r = in.read(buf)) > 0) {
        md.update(buf, 0, r);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
