package io.hypergrad.prep;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code prepare} (and {@code estimate} on raw files) does: which reader on which files, the
 * split, the label noise and the scaler.
 *
 * @param format            adult | california | idx | libsvm | csv
 * @param paths             the source files (adult: data files in order; idx: images then labels)
 * @param labelColumn       csv: the label's column name
 * @param separator         csv: the field separator
 * @param numFeatures       libsvm: the feature count (≤ 0: the largest index seen)
 * @param californiaFeatures california: sklearn or raw
 * @param scaler            none | standard | minmax | standard-global, fitted on train
 * @param split             train/val/test sizes
 * @param seed              the split's seed
 * @param noiseFraction     share of training labels replaced by another class (0: none)
 * @param noiseSeed         the noise's seed
 */
public record DataSpec(String format, List<Path> paths, String labelColumn, char separator, int numFeatures,
    String californiaFeatures, String scaler, SplitSizes split, long seed, double noiseFraction, long noiseSeed) {

  public DataSpec {
    paths = List.copyOf(paths);
    if (!(noiseFraction >= 0 && noiseFraction <= 1)) {
      throw new IllegalArgumentException("label noise fraction must be in [0, 1], got " + noiseFraction);
    }
    int expected = switch (format) {
      case "adult" -> -1;
      case "idx" -> 2;
      case "california", "libsvm", "csv" -> 1;
      default -> throw new IllegalArgumentException("unknown data format '" + format
          + "'; expected adult, california, idx, libsvm or csv");
    };
    if (expected > 0 && paths.size() != expected || paths.isEmpty()) {
      throw new IllegalArgumentException("format " + format + " reads " + (expected == 2 ? "2 files (images, labels)"
          : expected == 1 ? "1 file" : "1 or more files") + ", got " + paths.size());
    }
  }
}
