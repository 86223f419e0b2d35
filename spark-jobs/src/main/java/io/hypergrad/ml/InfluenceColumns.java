package io.hypergrad.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The column Params the influence Estimator and its Model share (MLlib's HasFeaturesCol,
 * HasLabelCol, HasWeightCol shape): Spark finds Params through their public getters, so each stage
 * returns these from its own instance, made once with the stage's uid.
 */
public interface InfluenceColumns extends Params {

  /** The stage's column Params. */
  Holder columns();

  default Param<String> featuresCol() {
    return columns().featuresCol;
  }

  default Param<String> labelCol() {
    return columns().labelCol;
  }

  default Param<String> weightCol() {
    return columns().weightCol;
  }

  default Param<String> influenceCol() {
    return columns().influenceCol;
  }

  default Param<String> lossCol() {
    return columns().lossCol;
  }

  default Param<String> selfInfluenceCol() {
    return columns().selfInfluenceCol;
  }

  default String getSelfInfluenceCol() {
    return getOrDefault(selfInfluenceCol());
  }

  /** Whether each row's self-influence is asked for. */
  default boolean wantsSelfInfluence() {
    return !getSelfInfluenceCol().isEmpty();
  }

  default String getFeaturesCol() {
    return getOrDefault(featuresCol());
  }

  default String getLabelCol() {
    return getOrDefault(labelCol());
  }

  default String getWeightCol() {
    return getOrDefault(weightCol());
  }

  default String getInfluenceCol() {
    return getOrDefault(influenceCol());
  }

  default String getLossCol() {
    return getOrDefault(lossCol());
  }

  /** Whether a weight column is named (unset or empty: every row weighs 1, as in MLlib). */
  default boolean hasWeightCol() {
    return isDefined(weightCol()) && !getWeightCol().isEmpty();
  }

  /** The Params, owned by the stage {@code owner}. */
  final class Holder implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final Param<String> featuresCol;
    final Param<String> labelCol;
    final Param<String> weightCol;
    final Param<String> influenceCol;
    final Param<String> lossCol;
    final Param<String> selfInfluenceCol;

    Holder(Identifiable owner) {
      featuresCol = new Param<>(owner, "featuresCol", "features column name (an ml.linalg vector)");
      labelCol = new Param<>(owner, "labelCol", "label column name (numeric)");
      weightCol = new Param<>(owner, "weightCol", "instance weight column name; unset or empty: every row weighs 1 "
          + "(each split's weights are brought to mean 1, as MLlib divides by the weight sum)");
      influenceCol = new Param<>(owner, "influenceCol", "output column of each row's influence on the validation loss "
          + "(> 0 harmful: up-weighting the row raises it)");
      lossCol = new Param<>(owner, "lossCol", "output column of each row's loss at the fitted model");
      selfInfluenceCol = new Param<>(owner, "selfInfluenceCol", "output column of each row's influence on its own loss, "
          + "(c/n)∇ℓᵀA⁻¹∇ℓ (the fit factors the dense A for p within exact_max_p, beyond it approximates A⁻¹ with rank "
          + "influence.rank); empty: not computed");
    }

    /** MLlib's defaults. */
    void setDefaults(Params stage) {
      stage.setDefault(featuresCol, "features");
      stage.setDefault(labelCol, "label");
      stage.setDefault(influenceCol, "influence");
      stage.setDefault(lossCol, "loss");
      stage.setDefault(selfInfluenceCol, "");
    }
  }

  /** Checks that {@code schema} has {@code column} of a type {@code ok} accepts, MLlib-style. */
  static void require(StructType schema, String column, String what, java.util.function.Predicate<DataType> ok,
      String expected) {
    if (!java.util.List.of(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(what + " column '" + column + "' does not exist. Available: "
          + String.join(", ", schema.fieldNames()));
    }
    DataType t = schema.apply(column).dataType();
    if (!ok.test(t)) {
      throw new IllegalArgumentException("Column " + column + " must be of type " + expected + " but was actually "
          + t.catalogString() + ".");
    }
  }

  static boolean numeric(DataType t) {
    return t instanceof NumericType;
  }

  /** The schema with the two output columns appended (refused when one exists already). */
  default StructType withOutputs(StructType schema) {
    java.util.List<String> outputs = new java.util.ArrayList<>(java.util.List.of(getInfluenceCol(), getLossCol()));
    if (wantsSelfInfluence()) {
      outputs.add(getSelfInfluenceCol());
    }
    StructType out = schema;
    for (String c : outputs) {
      if (java.util.List.of(schema.fieldNames()).contains(c)) {
        throw new IllegalArgumentException("Output column " + c + " already exists.");
      }
      out = out.add(new StructField(c, org.apache.spark.sql.types.DataTypes.DoubleType, true,
          org.apache.spark.sql.types.Metadata.empty()));
    }
    return out;
  }

  /** The input columns' checks a fit and a transform share. */
  default void checkInputs(StructType schema) {
    require(schema, getFeaturesCol(), "features", t -> t.equals(org.apache.spark.ml.linalg.SQLDataTypes.VectorType()),
        "struct<type:tinyint,size:int,indices:array<int>,values:array<double>> (an ml.linalg vector)");
    require(schema, getLabelCol(), "label", InfluenceColumns::numeric, "numeric");
    if (hasWeightCol()) {
      require(schema, getWeightCol(), "weight", InfluenceColumns::numeric, "numeric");
    }
  }
}
