package io.hypergrad.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hypergrad.config.EstimatorGrid;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the stages' Params mean as the jobs' config keys, so that one code path validates and runs
 * them: a family's GLM, and the estimator parameters given as one HOCON string.
 */
final class StageConfig {
  /** MLlib's family names → our model names. */
  static final Map<String, String> MODELS = Map.of("binomial", "logistic", "multinomial", "softmax", "gaussian",
      "least-squares");

  private StageConfig() {}

  /** The model of {@code family}, refused (naming {@code stage}) when it is not one. */
  static String model(String stage, String family) {
    String model = MODELS.get(family);
    if (model == null) {
      throw new IllegalArgumentException(stage + " family must be one of " + MODELS.keySet() + ", got '" + family + "'");
    }
    return model;
  }

  /** The estimator parameters of {@code methodParams} (HOCON), each a known key, as top-level config keys. */
  static Map<String, Object> methodKeys(String stage, String methodParams) {
    return knownKeys(stage, "methodParams", methodParams, EstimatorGrid.PARAM_KEYS, "parameter");
  }

  /** The population keys a stage's populationParams give (HOCON, without the {@code population.} prefix). */
  static Map<String, Object> populationKeys(String stage, String populationParams) {
    java.util.List<String> known = new java.util.ArrayList<>();
    for (io.hypergrad.config.ConfigKeys.Key k : io.hypergrad.config.ConfigKeys.Group.POPULATION.keys()) {
      known.add(k.name().substring("population.".length()));
    }
    return knownKeys(stage, "populationParams", populationParams, known, "key");
  }

  /** The entries of {@code param}'s HOCON text, each refused (naming it a {@code noun}) unless {@code known}. */
  private static Map<String, Object> knownKeys(String stage, String param, String text, java.util.Collection<String> known,
      String noun) {
    Config extra;
    try {
      extra = ConfigFactory.parseString(text);
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(stage + " " + param + " is not HOCON: " + e.getMessage(), e);
    }
    Map<String, Object> keys = new LinkedHashMap<>();
    for (String k : extra.root().keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException(stage + " " + param + ": unknown " + noun + " '" + k + "'; known: " + known);
      }
      keys.put(k, extra.root().get(k).unwrapped());
    }
    return keys;
  }
}
