package io.hypergrad.config;

import com.typesafe.config.ConfigValue;
import io.hypergrad.prep.DataSpec;
import io.hypergrad.prep.SplitSizes;
import io.hypergrad.prep.table.SplitRule;
import io.hypergrad.prep.table.TableIngest;
import io.hypergrad.prep.table.TableReader;
import io.hypergrad.prep.table.TableSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code data} block of a config (documented in conf/README.md): raw files read here ({@link
 * DataSpec}), a table Spark reads on the executors ({@link TableSpec}), or a prepare output.
 */
public final class DataConfig {
  private DataConfig() {}

  /** Whether the config names a table for Spark to read ({@code data.source}). */
  public static boolean isTable(JobConfig cfg) {
    return cfg.has("data.source");
  }

  /**
   * Refuses a config that names its data as raw files and as a table; {@code data.prepared} (often
   * given with --set over a config for raw files) takes the place of either.
   */
  public static void checkOneSource(JobConfig cfg) {
    if (!isPrepared(cfg) && isTable(cfg) && (cfg.has("data.format") || cfg.has("data.paths"))) {
      throw new InvalidConfigException(cfg.where("data.source") + ": name the data once: data.format/paths (raw "
          + "files read here) or data.source (a table Spark reads)");
    }
    if (!isTable(cfg) && !isPrepared(cfg) && cfg.has("data.on_bad_row")) {
      throw new InvalidConfigException(cfg.where("data.on_bad_row") + ": data.on_bad_row applies to data.source");
    }
    if (!isTable(cfg) && !isPrepared(cfg) && !cfg.getString("data.split.method").equals("permutation")) {
      throw new InvalidConfigException(cfg.where("data.split.method") + ": data.split.method = "
          + cfg.getString("data.split.method") + " needs data.source (raw files split by permutation)");
    }
  }

  public static TableSpec table(JobConfig cfg) {
    String format = cfg.getString("data.source.format", null);
    if (format == null) {
      throw new InvalidConfigException(cfg.where("data.source") + ": data.source needs format (one of "
          + TableSpec.FORMATS + ")");
    }
    List<String> paths = cfg.has("data.source.paths") ? cfg.getStringList("data.source.paths")
        : cfg.has("data.source.path") ? List.of(cfg.getString("data.source.path", null)) : List.of();
    Map<String, String> options = new LinkedHashMap<>();
    if (format.equals("csv")) {
      options.put("header", String.valueOf(cfg.getBoolean("data.source.header")));
      options.put("sep", cfg.getString("data.source.separator"));
    }
    if (format.equals("libsvm") && cfg.getInt("data.source.num_features") > 0) {
      options.put("numFeatures", String.valueOf(cfg.getInt("data.source.num_features")));
    }
    if (cfg.has("data.source.options")) {
      for (Map.Entry<String, ConfigValue> e : cfg.raw().getConfig("data.source.options").entrySet()) {
        options.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
      }
    }
    try {
      if (format.equals("adult")) {
        // the reference's preparation unless the config says otherwise
        TableSpec adult = TableSpec.adult(paths);
        return new TableSpec("adult", paths, null, cfg.getString("data.source.label", adult.label()),
            list(cfg, "data.source.features"), list(cfg, "data.source.exclude"),
            cfg.has("data.source.categorical") ? list(cfg, "data.source.categorical") : adult.categorical(),
            cfg.getString("data.source.encoding", adult.encoding()), cfg.getString("data.source.id", null),
            cfg.getString("data.source.weight", null), cfg.getString("data.source.group", null), null, Map.of(), null,
            cfg.getString("data.on_bad_row", adult.onBadRow()));
      }
      if (format.equals("california") || format.equals("idx")) {
        // the in-memory reader's rows unless the config names other columns
        TableSpec paper = format.equals("idx") ? TableSpec.idx(paths)
            : TableSpec.california(paths, list(cfg, "data.source.features"));
        return new TableSpec(format, paths, null, cfg.getString("data.source.label", paper.label()), paper.features(),
            list(cfg, "data.source.exclude"), list(cfg, "data.source.categorical"), paper.encoding(),
            cfg.getString("data.source.id", null), cfg.getString("data.source.weight", null),
            cfg.getString("data.source.group", null), null, Map.of(), null, cfg.getString("data.on_bad_row", paper.onBadRow()));
      }
      return new TableSpec(format, paths, cfg.getString("data.source.table", null),
          cfg.getString("data.source.label", null), list(cfg, "data.source.features"), list(cfg, "data.source.exclude"),
          list(cfg, "data.source.categorical"), cfg.getString("data.source.encoding"), cfg.getString("data.source.id", null),
          cfg.getString("data.source.weight", null), cfg.getString("data.source.group", null), null, options,
          cfg.getString("data.source.schema", null), cfg.getString("data.on_bad_row"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("data.source") + ": " + e.getMessage(), e);
    }
  }

  /** Whether validation (or test) rows come from tables of their own ({@code data.source.validation_path}). */
  public static boolean splitsFromSources(JobConfig cfg) {
    return cfg.has("data.source.validation_path") || cfg.has("data.source.test_path");
  }

  /** The validation or test table's paths ({@code val} or {@code test}); empty when not given. */
  public static List<String> splitPaths(JobConfig cfg, String split) {
    String key = split.equals("val") ? "data.source.validation_path" : "data.source.test_path";
    return cfg.has(key) ? cfg.getStringList(key) : List.of();
  }

  public static SplitRule splitRule(JobConfig cfg) {
    if (isTable(cfg) && splitsFromSources(cfg)) {
      if (cfg.has("data.split.method") || cfg.has("data.split.train") || cfg.has("data.split.val")
          || cfg.has("data.split.test")) {
        throw new InvalidConfigException(cfg.where("data.split") + ": the splits come from data.source.validation_path "
            + "/ test_path; leave data.split out");
      }
      if (cfg.getString("data.source.format", "").equals("table")) {
        throw new InvalidConfigException(cfg.where("data.source.validation_path") + ": validation_path and test_path "
            + "name files; for catalog tables use a split column (data.split.method = column)");
      }
      return new SplitRule("column", new SplitSizes(1, 0, 0), cfg.getLong("data.seed"), TableReader.SOURCE_SPLIT);
    }
    try {
      return new SplitRule(cfg.getString("data.split.method"), splitSizes(cfg), cfg.getLong("data.seed"),
          cfg.getString("data.split.column", null));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("data.split") + ": " + e.getMessage(), e);
    }
  }

  /** The ingest's scaler, label noise and partition count. */
  public static TableIngest.Settings ingest(JobConfig cfg) {
    return new TableIngest.Settings(cfg.getString("data.scaler"), cfg.getDouble("data.label_noise.fraction"),
        cfg.getLong("data.label_noise.seed"), cfg.getPositiveInt("partitions"));
  }

  private static List<String> list(JobConfig cfg, String key) {
    return cfg.has(key) ? cfg.getStringList(key) : List.of();
  }

  private static SplitSizes splitSizes(JobConfig cfg) {
    return new SplitSizes(cfg.getDouble("data.split.train"), cfg.getDouble("data.split.val"),
        cfg.getDouble("data.split.test"));
  }

  /** Whether the config reads a {@code prepare} output rather than raw files. */
  public static boolean isPrepared(JobConfig cfg) {
    return cfg.has("data.prepared");
  }

  /** The prepare output the config reads: a local path or a Hadoop FileSystem URI. */
  public static String prepared(JobConfig cfg) {
    return cfg.getString("data.prepared", "");
  }

  public static DataSpec spec(JobConfig cfg) {
    String format = cfg.getString("data.format", null);
    if (format == null) {
      throw new InvalidConfigException(cfg.source() + ": missing required key 'data.format' (adult, california, idx, "
          + "libsvm or csv), or data.prepared naming a prepare output");
    }
    List<Path> paths = cfg.getStringList("data.paths").stream().map(Path::of).toList();
    for (int i = 0; i < paths.size(); i++) {
      if (!paths.get(i).toFile().isFile()) {
        throw new InvalidConfigException(cfg.where("data.paths") + ": data.paths[" + i + "] = " + paths.get(i)
            + " does not exist or is not a file");
      }
    }
    String sep = cfg.getString("data.separator");
    if (sep.length() != 1) {
      throw new InvalidConfigException(cfg.where("data.separator") + ": data.separator must be one character, got '" + sep + "'");
    }
    if (format.equals("csv") && !cfg.has("data.label_column")) {
      throw new InvalidConfigException(cfg.source() + ": data.format = csv needs data.label_column");
    }
    try {
      SplitSizes split = splitSizes(cfg);
      return new DataSpec(format, paths, cfg.getString("data.label_column", null), sep.charAt(0),
          cfg.getInt("data.num_features"), cfg.getString("data.california_features"),
          cfg.getString("data.scaler"), split, cfg.getLong("data.seed"),
          cfg.getDouble("data.label_noise.fraction"), cfg.getLong("data.label_noise.seed"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("data") + ": " + e.getMessage(), e);
    }
  }
}
