package io.hypergrad.ml;

import io.hypergrad.model.InstanceWeights;
import io.hypergrad.plan.ExecutionPlan;
import io.hypergrad.prep.SplitSizes;
import io.hypergrad.prep.table.IngestedTable;
import io.hypergrad.prep.table.SplitRule;
import io.hypergrad.prep.table.TableIngest;
import io.hypergrad.prep.table.TableReader;
import io.hypergrad.prep.table.TableSpec;
import io.hypergrad.task.GlmData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The DataFrame a stage is fitted on, as a job's data: the jobs' table ingest on the executors
 * (label, one vector column, an optional weight column), split by a boolean column whose true rows
 * are the validation set (MLlib's validationIndicatorCol), with an intercept's constant 1 when asked.
 */
final class StageData {
  private StageData() {}

  /** The data and the ingested table behind it (release both when done). */
  record Ingested(GlmData data, IngestedTable table, Map<String, Object> metadata) {
    /** The factor the training weights were brought to mean 1 with (1 without weights). */
    double weightFactor() {
      if (!(metadata.get("weights") instanceof Map<?, ?> w) || !(w.get("sums_as_read") instanceof Map<?, ?> sums)) {
        return 1.0;
      }
      int n = ((Number) ((Map<?, ?>) metadata.get("counts")).get("train")).intValue();
      return InstanceWeights.normalizer(n, ((Number) sums.get("train")).doubleValue());
    }
  }

  /** On the executors (the influence job's plan). */
  static Ingested ingest(String stage, Dataset<?> dataset, String labelCol, String featuresCol, String weightCol,
      String validationCol, boolean intercept) {
    return ingest(stage, dataset, labelCol, featuresCol, weightCol, validationCol, intercept, (n, f) ->
        ExecutionPlan.DISTRIBUTED);
  }

  /** On the plan {@code rule} picks once the training rows are counted (the driver plan brings them here). */
  static Ingested ingest(String stage, Dataset<?> dataset, String labelCol, String featuresCol, String weightCol,
      String validationCol, boolean intercept, GlmData.PlanRule rule) {
    return ingest(stage, dataset, labelCol, featuresCol, weightCol, null, null, validationCol, intercept, rule);
  }

  /**
   * With the rows' ids from {@code idCol} (null: their positions in the DataFrame) and their groups
   * from {@code groupCol} (null: none).
   */
  static Ingested ingest(String stage, Dataset<?> dataset, String labelCol, String featuresCol, String weightCol,
      String idCol, String groupCol, String validationCol, boolean intercept, GlmData.PlanRule rule) {
    List<Column> cols = new ArrayList<>(List.of(functions.col(labelCol), functions.col(featuresCol),
        functions.col(validationCol)));
    for (String c : java.util.Arrays.asList(weightCol, idCol, groupCol)) {
      if (c != null) {
        cols.add(functions.col(c));
      }
    }
    Dataset<Row> source = dataset.select(cols.toArray(Column[]::new)).withColumn(TableReader.FILE,
        functions.lit("the DataFrame"));
    TableSpec table = new TableSpec("table", List.of(), "the DataFrame", labelCol, List.of(featuresCol), List.of(),
        List.of(), "onehot", idCol, weightCol, groupCol, null, Map.of(), null, "fail");
    SplitRule split = new SplitRule("column", new SplitSizes(1, 0, 0), 0, validationCol);
    IngestedTable ingested;
    try {
      ingested = TableIngest.run(dataset.sparkSession(), source, table, split, new TableIngest.Settings("none", 0, 0, 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(stage + ": " + e.getMessage(), e);
    }
    Map<String, Object> metadata = ingested.metadata();
    int n = ((Number) ((Map<?, ?>) metadata.get("counts")).get("train")).intValue();
    GlmData data = GlmData.ofTable(ingested, rule.resolve(n, ingested.featureCount()));
    return new Ingested(intercept ? data.withIntercept() : data, ingested, metadata);
  }
}
