package io.hypergrad.ml;

import io.hypergrad.influence.InfluenceScores;
import io.hypergrad.linalg.DenseCholesky;
import io.hypergrad.linalg.InverseQuadratic;
import io.hypergrad.model.GlmLoss;
import io.hypergrad.model.Intercept;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link InfluenceFunction}: the inner model x* (coefficients and, with fitIntercept, the
 * intercepts), s = A⁻¹∇f and the n training rows they came from. {@code transform} adds to any rows
 * with the features and label columns their influence −(cᵢ/n)·∇ℓᵢ(x*)·s and their loss ℓᵢ(x*), row by
 * row with the {@code influence} job's arithmetic ({@link InfluenceScores#score}), so the training
 * rows get the job's scores bit for bit.
 */
public final class InfluenceFunctionModel extends Model<InfluenceFunctionModel> implements InfluenceColumns, MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Holder columns;
  private final String model;
  private final int classes;
  private final boolean intercept;
  private final int featureCount;
  private final long trainRows;
  private final double weightFactor;
  private final double[] x;
  private final double[] s;
  private final double validationLoss;
  private final double residual;
  private final int innerSteps;
  private final double innerGradNorm;
  // an initial model's ‖∇g‖ where it started, and ‖∇g(0)‖ for scale (NaN without one)
  private final double initialGradNorm;
  private final double zeroGradNorm;
  // A⁻¹ at x* (its Cholesky factor, or its low-rank approximation beyond exact_max_p) when the fit was asked for
  // self-influence, else null
  private final InverseQuadratic hessianInverse;
  // computed at fit when asked for (queryIndicatorCol, groupCol); like MLlib's training summary, not saved
  private transient Dataset<Row> queryInfluence;
  private transient Dataset<Row> groupInfluence;

  InfluenceFunctionModel(String uid, String model, int classes, boolean intercept, int featureCount, long trainRows,
      double weightFactor, double[] x, double[] s, double validationLoss, double residual, int innerSteps,
      double innerGradNorm, double initialGradNorm, double zeroGradNorm, InverseQuadratic hessianInverse) {
    this.uid = uid;
    this.columns = new Holder(this);
    this.model = model;
    this.classes = classes;
    this.intercept = intercept;
    this.featureCount = featureCount;
    this.trainRows = trainRows;
    this.weightFactor = weightFactor;
    this.x = x.clone();
    this.s = s.clone();
    this.validationLoss = validationLoss;
    this.residual = residual;
    this.innerSteps = innerSteps;
    this.innerGradNorm = innerGradNorm;
    this.initialGradNorm = initialGradNorm;
    this.zeroGradNorm = zeroGradNorm;
    this.hessianInverse = hessianInverse;
    columns.setDefaults(this);
  }

  /** Sets what the fit computed beyond the per-row columns (null: not asked for). */
  void explained(Dataset<Row> queries, Dataset<Row> groups) {
    this.queryInfluence = queries;
    this.groupInfluence = groups;
  }

  /**
   * For each query row of the fit (queryIndicatorCol), its topK most harmful and most helpful training
   * rows: query_index, query_id, kind (harmful | helpful), rank, train_id, score = −(cᵢ/n)∇ℓᵢᵀA⁻¹∇ℓ(query)
   * (removing training row train_id changes the query's loss by about −score).
   */
  public Dataset<Row> queryInfluence() {
    if (queryInfluence == null) {
      throw new IllegalStateException("no queryInfluence: fit the InfluenceFunction with queryIndicatorCol set (it is "
          + "computed at fit and, like a training summary, not saved with the model)");
    }
    return queryInfluence;
  }

  /**
   * For each group of the fit's training rows (groupCol): group, rows, weight, first_order and
   * corrected (one Newton step), each predicting validation loss after retraining without the group
   * minus the validation loss now.
   */
  public Dataset<Row> groupInfluence() {
    if (groupInfluence == null) {
      throw new IllegalStateException("no groupInfluence: fit the InfluenceFunction with groupCol set (it is computed "
          + "at fit and, like a training summary, not saved with the model)");
    }
    return groupInfluence;
  }

  /** Whether the fit computed query or group influence (they are not saved). */
  public boolean hasExplanations() {
    return queryInfluence != null || groupInfluence != null;
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Holder columns() {
    return columns;
  }

  private int outputs() {
    return model.equals("softmax") ? classes : 1;
  }

  /** The coefficients, class-major for multinomial (K × F, row c the class's weights), without intercepts. */
  public Vector coefficients() {
    return Vectors.dense(Intercept.coefficients(x, outputs(), featureCount, intercept));
  }

  /** The intercept of each class (one for binomial and gaussian); zeros without fitIntercept. */
  public Vector intercepts() {
    return Vectors.dense(Intercept.intercepts(x, outputs(), featureCount, intercept));
  }

  /** The intercept (binomial and gaussian). */
  public double intercept() {
    return intercepts().apply(0);
  }

  /** s = A⁻¹∇f_val(x*) over the model's parameters (coefficients then intercept, class by class). */
  public Vector s() {
    return Vectors.dense(s.clone());
  }

  /** The mean validation loss at x*. */
  public double validationLoss() {
    return validationLoss;
  }

  /** The solve's ‖A·s − ∇f‖/‖∇f‖. */
  public double residual() {
    return residual;
  }

  /** The training rows n the scores are scaled by. */
  public long numTrainingRows() {
    return trainRows;
  }

  /** Newton-CG's steps and final ‖∇g‖ for x*. */
  public int innerSteps() {
    return innerSteps;
  }

  public double innerGradientNorm() {
    return innerGradNorm;
  }

  /** ‖∇g‖ at an initial model's coefficients (NaN when the model was trained here). */
  public double initialGradientNorm() {
    return initialGradNorm;
  }

  /**
   * What became of an initial model: whether its coefficients were a stationary point of the stated
   * objective (‖∇g‖ within 1e-6 of ‖∇g(0)‖) and how Newton-CG polished them; empty without one.
   */
  public String initialModelSummary() {
    if (Double.isNaN(initialGradNorm)) {
      return "";
    }
    double relative = initialGradNorm / zeroGradNorm;
    return String.format(java.util.Locale.ROOT, "the initial model's coefficients %s a stationary point of the objective "
        + "(‖∇g‖ = %.3e, %.1e of ‖∇g(0)‖); Newton-CG polished them in %d steps to ‖∇g‖ = %.3e", relative <= 1e-6 ? "are"
        : "are NOT", initialGradNorm, relative, innerSteps, innerGradNorm);
  }

  public InfluenceFunctionModel setInfluenceCol(String v) {
    set(influenceCol(), v);
    return this;
  }

  public InfluenceFunctionModel setLossCol(String v) {
    set(lossCol(), v);
    return this;
  }

  public InfluenceFunctionModel setFeaturesCol(String v) {
    set(featuresCol(), v);
    return this;
  }

  public InfluenceFunctionModel setLabelCol(String v) {
    set(labelCol(), v);
    return this;
  }

  public InfluenceFunctionModel setWeightCol(String v) {
    set(weightCol(), v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    checkInputs(schema);
    if (wantsSelfInfluence() && hessianInverse == null) {
      throw new IllegalArgumentException("selfInfluenceCol is set but the model has no Hessian inverse: fit the "
          + "InfluenceFunction with selfInfluenceCol set");
    }
    return withOutputs(schema);
  }

  public InfluenceFunctionModel setSelfInfluenceCol(String v) {
    set(selfInfluenceCol(), v);
    return this;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    GlmLoss loss = GlmLoss.named(model, classes);
    double[] xs = x;
    double[] ss = s;
    long n = trainRows;
    int f = featureCount;
    boolean withIntercept = intercept;
    boolean weighted = hasWeightCol();
    double factor = weightFactor;
    StructType out = new StructType().add("influence", DataTypes.DoubleType).add("loss", DataTypes.DoubleType);
    UserDefinedFunction score = functions.udf((UDF3<Vector, Double, Double, Row>) (a, y, c) -> {
      if (a == null || y == null || c == null) {
        return null;
      }
      if (a.size() != f) {
        throw new IllegalArgumentException("a features vector has " + a.size() + " entries; the model was fitted on " + f);
      }
      // a weight is brought to the training rows' mean 1 as the fit did, with the same product
      double[] r = InfluenceScores.score(loss, withIntercept ? Intercept.augment(a) : a, y, weighted ? c * factor : 1.0,
          xs, ss, n);
      return RowFactory.create(r[0], r[1]);
    }, out);
    Column c = weighted ? functions.col(getWeightCol()).cast(DataTypes.DoubleType) : functions.lit(1.0);
    String tmp = "_influence_" + uid.replace('-', '_');
    Dataset<Row> scored = dataset.withColumn(tmp, score.apply(functions.col(getFeaturesCol()),
        functions.col(getLabelCol()).cast(DataTypes.DoubleType), c))
        .withColumn(getInfluenceCol(), functions.col(tmp + ".influence"))
        .withColumn(getLossCol(), functions.col(tmp + ".loss")).drop(tmp);
    if (!wantsSelfInfluence()) {
      return scored;
    }
    InverseQuadratic hessian = hessianInverse;
    UserDefinedFunction self = functions.udf((UDF3<Vector, Double, Double, Double>) (a, y, w) -> a == null || y == null
        || w == null ? null : InfluenceScores.selfScore(loss, withIntercept ? Intercept.augment(a) : a, y,
            weighted ? w * factor : 1.0, xs, hessian, n), DataTypes.DoubleType);
    return scored.withColumn(getSelfInfluenceCol(), self.apply(functions.col(getFeaturesCol()),
        functions.col(getLabelCol()).cast(DataTypes.DoubleType), c));
  }

  @Override
  public InfluenceFunctionModel copy(ParamMap extra) {
    InfluenceFunctionModel copy = new InfluenceFunctionModel(uid, model, classes, intercept, featureCount, trainRows,
        weightFactor, x, s, validationLoss, residual, innerSteps, innerGradNorm, initialGradNorm, zeroGradNorm,
        hessianInverse);
    return copyValues(copy, extra).setParent(parent());
  }

  private static final StructType DATA = new StructType().add("model", DataTypes.StringType)
      .add("classes", DataTypes.IntegerType).add("intercept", DataTypes.BooleanType)
      .add("features", DataTypes.IntegerType).add("train_rows", DataTypes.LongType)
      .add("weight_factor", DataTypes.DoubleType).add("x", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("s", DataTypes.createArrayType(DataTypes.DoubleType)).add("validation_loss", DataTypes.DoubleType)
      .add("residual", DataTypes.DoubleType).add("inner_steps", DataTypes.IntegerType)
      .add("inner_grad_norm", DataTypes.DoubleType).add("initial_grad_norm", DataTypes.DoubleType)
      .add("zero_grad_norm", DataTypes.DoubleType)
      .add("hessian_factor", DataTypes.createArrayType(DataTypes.DoubleType), true)
      .add("hessian_kind", DataTypes.StringType, true);

  @Override
  public MLWriter write() {
    InfluenceFunctionModel m = this;
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        ModelFiles.write(m, path, sparkSession(), DATA, RowFactory.create(model, classes, intercept, featureCount,
            trainRows, weightFactor, ModelFiles.boxed(x), ModelFiles.boxed(s), validationLoss, residual, innerSteps,
            innerGradNorm, initialGradNorm, zeroGradNorm, hessianInverse == null ? null
            : ModelFiles.boxed(hessianInverse.storage()), hessianInverse == null ? null : hessianInverse.kind()));
      }
    };
  }

  public static MLReader<InfluenceFunctionModel> read() {
    return new MLReader<>() {
      @Override
      public InfluenceFunctionModel load(String path) {
        ModelFiles.Saved saved = ModelFiles.read(path, sparkSession(), InfluenceFunctionModel.class);
        Row r = saved.data();
        return saved.withParams(new InfluenceFunctionModel(saved.metadata().uid(), r.getString(0), r.getInt(1),
            r.getBoolean(2), r.getInt(3), r.getLong(4), r.getDouble(5), ModelFiles.unboxed(r.getList(6)),
            ModelFiles.unboxed(r.getList(7)), r.getDouble(8), r.getDouble(9), r.getInt(10), r.getDouble(11),
            r.getDouble(12), r.getDouble(13), r.isNullAt(14) ? null : InverseQuadratic.of(
                r.length() > 15 && !r.isNullAt(15) ? r.getString(15) : DenseCholesky.KIND,
                ModelFiles.unboxed(r.getList(14)), r.getList(6).size())));
      }
    };
  }

  public static InfluenceFunctionModel load(String path) {
    return read().load(path);
  }
}
