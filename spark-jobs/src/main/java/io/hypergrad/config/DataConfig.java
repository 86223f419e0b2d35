package io.hypergrad.config;

import io.hypergrad.prep.DataSpec;
import io.hypergrad.prep.SplitSizes;
import java.nio.file.Path;
import java.util.List;

/** The {@code data} block of a config (documented in conf/README.md) as a {@link DataSpec}. */
public final class DataConfig {
  private DataConfig() {}

  /** Whether the config reads a {@code prepare} output rather than raw files. */
  public static boolean isPrepared(JobConfig cfg) {
    return cfg.has("data.prepared");
  }

  public static Path prepared(JobConfig cfg) {
    return Path.of(cfg.getString("data.prepared", ""));
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
      SplitSizes split = new SplitSizes(cfg.getDouble("data.split.train"), cfg.getDouble("data.split.val"),
          cfg.getDouble("data.split.test"));
      return new DataSpec(format, paths, cfg.getString("data.label_column", null), sep.charAt(0),
          cfg.getInt("data.num_features"), cfg.getString("data.california_features"),
          cfg.getString("data.scaler"), split, cfg.getLong("data.seed"),
          cfg.getDouble("data.label_noise.fraction"), cfg.getLong("data.label_noise.seed"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cfg.where("data") + ": " + e.getMessage(), e);
    }
  }
}
