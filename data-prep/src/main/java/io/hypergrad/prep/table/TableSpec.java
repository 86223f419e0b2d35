package io.hypergrad.prep.table;

import java.util.List;
import java.util.Map;

/**
 * A user's table as Spark reads it on the executors, and which of its columns are what.
 *
 * @param format      parquet, orc, csv, json, libsvm (MLlib's data source), table (a catalog table), or
 *                    the paper formats adult, california and idx (see {@link #adult}, {@link
 *                    #california}, {@link #idx})
 * @param paths       the files or directories (any Hadoop FileSystem URI); empty for a table
 * @param table       the catalog table's name, for format table
 * @param label       the label column: numeric, or strings indexed in sorted order (0, 1, …)
 * @param features    one vector column, or the feature columns in order; empty: every column but the
 *                    label, id, split column, clean-label column and {@code exclude}
 * @param exclude     columns left out when {@code features} is empty
 * @param categorical string columns to encode (a subset of the features)
 * @param encoding    onehot (one 0/1 feature per category, none dropped) or index (the category's
 *                    position in sorted order, as the Adult reference encodes)
 * @param id          a long column that names each row in outputs (and keys the hash split); null:
 *                    the row's number in reading order
 * @param weight      a numeric column of instance weights (finite, ≥ 0; each split's brought to mean
 *                    1, as MLlib's weightCol divides by the weight sum); null: every row weighs 1
 * @param group       a column naming each row's group (strings, indexed in sorted order, or integers)
 *                    for group influence; null: none
 * @param cleanLabel  a column kept beside the label (a prepare output's clean_label); null: none
 * @param options     the reader's options (csv: header, sep, nullValue, …), passed through
 * @param schema      a DDL schema for csv/json (saves the inference pass); null: inferred
 * @param onBadRow    fail (stop at the first bad row, naming file, row and field) or drop (count it per reason)
 */
public record TableSpec(String format, List<String> paths, String table, String label, List<String> features,
    List<String> exclude, List<String> categorical, String encoding, String id, String weight, String group,
    String cleanLabel, Map<String, String> options, String schema, String onBadRow) {

  public static final List<String> FORMATS = List.of("parquet", "orc", "csv", "json", "libsvm", "table", "adult",
      "california", "idx");

  /** UCI Adult's columns, as the in-memory reader names them. */
  public static final List<String> ADULT_COLUMNS = List.of("age", "workclass", "fnlwgt", "education", "education-num",
      "marital-status", "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week",
      "native-country", "income");
  public static final List<String> ADULT_CATEGORICAL = List.of("workclass", "education", "marital-status", "occupation",
      "relationship", "race", "sex", "native-country");

  public TableSpec {
    paths = List.copyOf(paths);
    features = List.copyOf(features);
    exclude = List.copyOf(exclude);
    categorical = List.copyOf(categorical);
    options = Map.copyOf(options);
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException("unknown source format '" + format + "'; expected one of " + FORMATS);
    }
    if (format.equals("table") ? table == null || table.isBlank() : paths.isEmpty()) {
      throw new IllegalArgumentException(format.equals("table") ? "format table needs the table's name"
          : "format " + format + " needs path or paths");
    }
    if (!List.of("onehot", "index").contains(encoding)) {
      throw new IllegalArgumentException("categorical encoding must be onehot or index, got '" + encoding + "'");
    }
    if (!List.of("fail", "drop").contains(onBadRow)) {
      throw new IllegalArgumentException("on_bad_row must be fail or drop, got '" + onBadRow + "'");
    }
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("the source needs its label column");
    }
  }

  /** A table without a group column. */
  public TableSpec(String format, List<String> paths, String table, String label, List<String> features,
      List<String> exclude, List<String> categorical, String encoding, String id, String weight, String cleanLabel,
      Map<String, String> options, String schema, String onBadRow) {
    this(format, paths, table, label, features, exclude, categorical, encoding, id, weight, null, cleanLabel, options,
        schema, onBadRow);
  }

  /** A table whose rows each weigh 1. */
  public TableSpec(String format, List<String> paths, String table, String label, List<String> features,
      List<String> exclude, List<String> categorical, String encoding, String id, String cleanLabel,
      Map<String, String> options, String schema, String onBadRow) {
    this(format, paths, table, label, features, exclude, categorical, encoding, id, null, cleanLabel, options, schema,
        onBadRow);
  }

  /**
   * UCI Adult's files ({@code adult.data}, {@code adult.test}, plain or gzip) read by Spark on the
   * executors as the Adult reference prepares them: the 14 features, the 8 string ones label-encoded
   * in sorted order, the label {@code >50K} → 1 (a trailing period, as in adult.test, ignored), the
   * test file's first line skipped, and rows with a missing value ({@code ?}) dropped and counted.
   */
  public static TableSpec adult(List<String> paths) {
    return new TableSpec("adult", paths, null, "income", List.of(), List.of(), ADULT_CATEGORICAL, "index", null, null,
        Map.of(), null, "drop");
  }

  /**
   * California Housing's {@code cal_housing.data} read by Spark as the in-memory reader reads it: the
   * label in units of 100,000 USD and, by default, scikit-learn's 8 per-household features (the raw
   * file's first 8 columns when {@code features} names them). A bad row stops the job.
   */
  public static TableSpec california(List<String> paths, List<String> features) {
    return new TableSpec("california", paths, null, "medianHouseValue", features.isEmpty()
        ? io.hypergrad.prep.CaliforniaReader.SKLEARN_FEATURES : features, List.of(), List.of(), "onehot", null, null,
        Map.of(), null, "fail");
  }

  /**
   * An IDX pair (MNIST, Fashion-MNIST: the images file, then the labels file), read on the executors:
   * label 0…9 and the pixels in [0, 255] as one dense vector, as the in-memory reader gives them.
   */
  public static TableSpec idx(List<String> paths) {
    return new TableSpec("idx", paths, null, "label", List.of("features"), List.of(), List.of(), "onehot", null, null,
        Map.of(), null, "fail");
  }

  /**
   * A prepare output's split directory: id, label, a features vector, maybe weight (already at mean 1)
   * and clean_label, kept as written.
   */
  public static TableSpec prepared(String path, boolean withWeight, boolean withCleanLabel) {
    return new TableSpec("parquet", List.of(path), null, "label", List.of("features"), List.of(), List.of(), "onehot",
        "id", withWeight ? "weight" : null, withCleanLabel ? "clean_label" : null, Map.of(), null, "fail");
  }

  /** The same table spec over other files (a split read from a table of its own). */
  public TableSpec withPaths(List<String> otherPaths) {
    return new TableSpec(format, otherPaths, null, label, features, exclude, categorical, encoding, id, weight, group,
        cleanLabel, options, schema, onBadRow);
  }

  public boolean fromFiles() {
    return !format.equals("table");
  }
}
