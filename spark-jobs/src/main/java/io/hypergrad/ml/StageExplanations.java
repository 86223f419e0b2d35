package io.hypergrad.ml;

import io.hypergrad.influence.GroupInfluence;
import io.hypergrad.influence.InfluenceSolve;
import io.hypergrad.influence.QueryInfluence;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.Intercept;
import io.hypergrad.task.GlmData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The InfluenceFunction's answers beyond one column a row, computed at fit on the same engine as
 * the influence job's {@code queries} and {@code groups} targets: each query row's most harmful and
 * most helpful training rows, and each group's predicted effect of its removal. Like an MLlib
 * model's training summary they are kept by the fitted model, not saved with it.
 */
final class StageExplanations {
  private StageExplanations() {}

  /** Query rows in the DataFrame's order: features (with the intercept's 1 when fitted), labels, ids. */
  record Queries(List<Vector> features, List<Double> labels, List<Long> ids) {}

  /** The rows of {@code queries}, brought to the driver (they are few: explanations of single predictions). */
  static Queries collect(Dataset<?> queries, String featuresCol, String labelCol, String idCol, boolean intercept) {
    List<Column> cols = new ArrayList<>(List.of(functions.col(featuresCol), functions.col(labelCol)
        .cast(DataTypes.DoubleType)));
    if (idCol != null) {
      cols.add(functions.col(idCol).cast(DataTypes.LongType));
    }
    List<Vector> features = new ArrayList<>();
    List<Double> labels = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (Row r : queries.select(cols.toArray(Column[]::new)).collectAsList()) {
      if (r.isNullAt(0) || r.isNullAt(1) || (idCol != null && r.isNullAt(2))) {
        throw new IllegalArgumentException("InfluenceFunction: query row " + features.size() + " has a null feature "
            + "vector, label or id");
      }
      Vector a = r.getAs(0);
      features.add(intercept ? Intercept.augment(a) : a);
      labels.add(r.getDouble(1));
      ids.add(idCol != null ? r.getLong(2) : (long) ids.size());
    }
    return new Queries(features, labels, ids);
  }

  /** Each query's topK training rows each way ({@link QueryInfluence#SCHEMA}), S by the stage's method. */
  static Dataset<Row> queries(SparkSession spark, GlmBilevelProblem problem, double[] x, Queries q,
      InfluenceSolve.Settings settings, int topK, GlmData data) {
    QueryInfluence.Explained explained;
    try {
      explained = QueryInfluence.explain(problem, x, q.features(), q.labels(), settings, topK, data.partitions("train"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("InfluenceFunction: queryIndicatorCol: " + e.getMessage(), e);
    }
    return spark.createDataFrame(QueryInfluence.rows(explained.top(), q.ids()), QueryInfluence.SCHEMA);
  }

  /** Each group's removal, first order and one Newton step ({@link GroupInfluence#SCHEMA}). */
  static Dataset<Row> groups(SparkSession spark, GlmBilevelProblem problem, InfluenceSolve.Result solved, GlmData data,
      Map<String, Object> metadata, int exactMaxP) {
    InfluenceSolve.requireDense(problem.p(), exactMaxP, "InfluenceFunction: groupCol sums, per group,",
        "leave groupCol empty for this model");
    List<Row> rows = new ArrayList<>();
    for (GroupInfluence.Estimate e : GroupInfluence.estimate(problem, solved, data.partitions("train"))) {
      rows.add(GroupInfluence.row(e, metadata));
    }
    return spark.createDataFrame(rows, GroupInfluence.SCHEMA);
  }
}
