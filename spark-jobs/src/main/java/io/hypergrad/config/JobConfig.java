package io.hypergrad.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job's HOCON config with the command line's {@code --set key=value} overrides on top. Every key
 * is checked against the job's known keys, so a typo fails before anything runs; every typed read
 * names the file and line of a bad value. The keys are documented once, in {@code conf/README.md}.
 */
public final class JobConfig {
  private final Config config;
  private final Config overrides;
  private final String source;

  private JobConfig(Config config, Config overrides, String source) {
    this.config = config;
    this.overrides = overrides;
    this.source = source;
  }

  /** Reads {@code file} and applies {@code sets} (each {@code key=value}, value in HOCON syntax). */
  public static JobConfig load(File file, List<String> sets, Set<String> knownKeys) {
    if (!file.isFile()) {
      throw new InvalidConfigException("config file " + file + " does not exist or is not a file");
    }
    Config base;
    try {
      base = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new InvalidConfigException("cannot read config: " + e.getMessage(), e);
    }
    Config over = ConfigFactory.empty();
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        throw new InvalidConfigException("--set '" + set + "' is not of the form key=value");
      }
      try {
        Config one = ConfigFactory.parseString(set, ConfigParseOptions.defaults().setOriginDescription("--set " + set));
        over = one.withFallback(over);
      } catch (ConfigException e) {
        throw new InvalidConfigException("--set '" + set + "' is not valid HOCON: " + e.getMessage(), e);
      }
    }
    Config merged;
    try {
      merged = over.withFallback(base).resolve();
      over = over.resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException("cannot resolve config: " + e.getMessage(), e);
    }
    JobConfig jc = new JobConfig(merged, over, file.getPath());
    jc.checkKeys(merged, knownKeys);
    return jc;
  }

  /** Reads {@code file} and applies {@code sets} for {@code job}: a key the job does not take is refused. */
  public static JobConfig load(File file, List<String> sets, ConfigKeys.Job job) {
    return load(file, sets, job.keys());
  }

  /** Wraps an already-built config (tests, and estimator entries). */
  public static JobConfig of(Config config, String source) {
    return new JobConfig(config, ConfigFactory.empty(), source);
  }

  private void checkKeys(Config c, Set<String> knownKeys) {
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      String key = e.getKey();
      if (!knownKeys.contains(key) && knownKeys.stream().noneMatch(k -> key.startsWith(k + "."))) {
        throw new InvalidConfigException(where(e.getValue()) + ": unknown config key '" + key
            + "'; known keys: " + new TreeSet<>(knownKeys));
      }
    }
  }

  public String source() {
    return source;
  }

  public Config raw() {
    return config;
  }

  /** Keys given with --set. */
  public Config overrides() {
    return overrides;
  }

  public boolean has(String key) {
    return config.hasPath(key);
  }

  /** The value, or the key's registered default ({@link ConfigKeys}). */
  public int getInt(String key) {
    return getInt(key, ((Number) ConfigKeys.defaultOf(key)).intValue());
  }

  public long getLong(String key) {
    return getLong(key, ((Number) ConfigKeys.defaultOf(key)).longValue());
  }

  public double getDouble(String key) {
    return getDouble(key, ((Number) ConfigKeys.defaultOf(key)).doubleValue());
  }

  public boolean getBoolean(String key) {
    return getBoolean(key, (Boolean) ConfigKeys.defaultOf(key));
  }

  public String getString(String key) {
    return getString(key, (String) ConfigKeys.defaultOf(key));
  }

  public int getPositiveInt(String key) {
    return getPositiveInt(key, ((Number) ConfigKeys.defaultOf(key)).intValue());
  }

  /** The value (or the key's registered default), refused when negative. */
  public int getNonNegativeInt(String key) {
    int v = getInt(key);
    if (v < 0) {
      throw new InvalidConfigException(where(key) + ": " + key + " must be an integer ≥ 0, got " + v);
    }
    return v;
  }

  public int getInt(String key, int fallback) {
    return has(key) ? read(key, () -> {
      requireWhole(key);
      return config.getInt(key);
    }) : fallback;
  }

  public long getLong(String key, long fallback) {
    return has(key) ? read(key, () -> {
      requireWhole(key);
      return config.getLong(key);
    }) : fallback;
  }

  /** A count given as 10.5 is refused, not truncated to 10. */
  private void requireWhole(String key) {
    Object v = config.getValue(key).unwrapped();
    if (v instanceof Number n && (v instanceof Double || v instanceof Float) && n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new InvalidConfigException(where(key) + ": " + key + " must be a whole number, got " + v);
    }
  }

  public double getDouble(String key, double fallback) {
    return has(key) ? read(key, () -> config.getDouble(key)) : fallback;
  }

  public boolean getBoolean(String key, boolean fallback) {
    return has(key) ? read(key, () -> config.getBoolean(key)) : fallback;
  }

  public String getString(String key, String fallback) {
    return has(key) ? read(key, () -> config.getString(key)) : fallback;
  }

  /** A list of strings; a single string is taken as a list of one. */
  public List<String> getStringList(String key) {
    if (!has(key)) {
      throw new InvalidConfigException(source + ": missing required key '" + key + "'");
    }
    if (config.getValue(key).valueType() == ConfigValueType.STRING) {
      return List.of(config.getString(key));
    }
    return read(key, () -> config.getStringList(key));
  }

  public int getPositiveInt(String key, int fallback) {
    int v = getInt(key, fallback);
    if (v <= 0) {
      throw new InvalidConfigException(where(key) + ": " + key + " must be a positive integer, got " + v);
    }
    return v;
  }

  /** The objects of a list-of-objects key, each as a config of its own. */
  public List<ConfigObject> getObjectList(String key) {
    if (!has(key)) {
      throw new InvalidConfigException(source + ": missing required key '" + key + "'");
    }
    ConfigValue v = config.getValue(key);
    if (v.valueType() != ConfigValueType.LIST) {
      throw new InvalidConfigException(where(v) + ": " + key + " must be a list of objects");
    }
    List<ConfigObject> out = new ArrayList<>();
    for (ConfigValue item : config.getList(key)) {
      if (item.valueType() != ConfigValueType.OBJECT) {
        throw new InvalidConfigException(where(item) + ": every entry of " + key + " must be an object like { method = neumann }");
      }
      out.add((ConfigObject) item);
    }
    return out;
  }

  /** "file: line" of the value at key. */
  public String where(String key) {
    return has(key) ? where(config.getValue(key)) : source;
  }

  public static String where(ConfigValue v) {
    return v.origin().description();
  }

  private <T> T read(String key, java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ConfigException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
  }
}
