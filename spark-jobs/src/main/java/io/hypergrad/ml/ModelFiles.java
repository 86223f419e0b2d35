package io.hypergrad.ml;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted stage on disk, as MLlib keeps its models: the Params in MLlib's metadata (so a
 * PipelineModel saves and loads it), the fitted numbers as one row of Parquet in {@code data/}.
 */
final class ModelFiles {
  private ModelFiles() {}

  static void write(Params model, String path, SparkSession spark, StructType schema, Row data) {
    DefaultParamsWriter$.MODULE$.saveMetadata(model, path, spark);
    spark.createDataFrame(List.of(data), schema).repartition(1).write().parquet(path + "/data");
  }

  /** What {@link #write} wrote: the metadata (uid, Params) and the data row. */
  record Saved(DefaultParamsReader.Metadata metadata, Row data) {
    /** Sets the saved Params on the model rebuilt from the data row. */
    <T extends Params> T withParams(T model) {
      metadata.getAndSetParams(model, scala.Option.empty());
      return model;
    }
  }

  static Saved read(String path, SparkSession spark, Class<?> model) {
    DefaultParamsReader.Metadata meta = DefaultParamsReader$.MODULE$.loadMetadata(path, spark, model.getName());
    return new Saved(meta, spark.read().parquet(path + "/data").first());
  }

  static List<Double> boxed(double[] v) {
    return Arrays.stream(v).boxed().toList();
  }

  static double[] unboxed(List<?> v) {
    return v.stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
  }
}
