package io.hypergrad.ml;

import io.hypergrad.hpo.OuterLoop;
import io.hypergrad.model.Intercept;
import io.hypergrad.model.Rows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The GLM a {@link HypergradientTuner} ends with: the tuned λ, the inner model at λ and the tuning
 * history. {@code transform} predicts as MLlib's models write it: for binomial and multinomial the
 * {@code rawPrediction} (the margins; [−m, m] for binomial), {@code probability} (σ, or softmax) and
 * {@code prediction} (the likeliest class, 0.5 as the binomial threshold), for gaussian the
 * {@code prediction}.
 */
public final class TunedGlmModel extends Model<TunedGlmModel> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> rawPredictionCol;
  private final Param<String> probabilityCol;
  private final String model;
  private final int classes;
  private final boolean intercept;
  private final int featureCount;
  private final double[] lambda;
  private final double[] x;
  private final List<double[]> history;
  private final String method;

  TunedGlmModel(String uid, String model, int classes, boolean intercept, int featureCount, double[] lambda, double[] x,
      List<double[]> history, String method) {
    this.uid = uid;
    featuresCol = new Param<>(this, "featuresCol", "features column name (an ml.linalg vector)");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    rawPredictionCol = new Param<>(this, "rawPredictionCol", "raw prediction (margins) column name");
    probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column name");
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
    setDefault(rawPredictionCol, "rawPrediction");
    setDefault(probabilityCol, "probability");
    this.model = model;
    this.classes = classes;
    this.intercept = intercept;
    this.featureCount = featureCount;
    this.lambda = lambda.clone();
    this.x = x.clone();
    this.history = List.copyOf(history);
    this.method = method;
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> rawPredictionCol() {
    return rawPredictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public TunedGlmModel setFeaturesCol(String v) {
    set(featuresCol, v);
    return this;
  }

  public TunedGlmModel setPredictionCol(String v) {
    set(predictionCol, v);
    return this;
  }

  public TunedGlmModel setRawPredictionCol(String v) {
    set(rawPredictionCol, v);
    return this;
  }

  public TunedGlmModel setProbabilityCol(String v) {
    set(probabilityCol, v);
    return this;
  }

  private int outputs() {
    return model.equals("softmax") ? classes : 1;
  }

  private boolean classifies() {
    return !model.equals("least-squares");
  }

  /** The tuned hyperparameters λ. */
  public Vector lambda() {
    return Vectors.dense(lambda.clone());
  }

  /** The coefficients at λ, class-major for multinomial, without intercepts. */
  public Vector coefficients() {
    return Vectors.dense(Intercept.coefficients(x, outputs(), featureCount, intercept));
  }

  /** Each class's intercept (one for binomial and gaussian); zeros without fitIntercept. */
  public Vector intercepts() {
    return Vectors.dense(Intercept.intercepts(x, outputs(), featureCount, intercept));
  }

  /** The hypergradient method's label. */
  public String method() {
    return method;
  }

  /** The tuning history, one row per outer step ({@link OuterLoop#HISTORY_COLUMNS}). */
  public Dataset<Row> history() {
    StructType schema = new StructType();
    for (String c : OuterLoop.HISTORY_COLUMNS) {
      schema = schema.add(c, DataTypes.DoubleType);
    }
    List<Row> rows = new ArrayList<>();
    for (double[] h : history) {
      rows.add(RowFactory.create(Arrays.stream(h).boxed().toArray()));
    }
    return SparkSession.active().createDataFrame(rows, schema);
  }

  /** The history rows as arrays (tests, and the CLI's history.csv columns). */
  public List<double[]> historyRows() {
    return history;
  }

  /** The margins aᵀw_c + b_c of one row. */
  private static double[] margins(Vector a, double[] x, int k, int f, boolean intercept) {
    double[] m = new double[k];
    int stride = f + (intercept ? 1 : 0);
    for (int c = 0; c < k; c++) {
      m[c] = Rows.dot(a, x, c * stride) + (intercept ? x[c * stride + f] : 0);
    }
    return m;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    InfluenceColumns.require(schema, getOrDefault(featuresCol), "features",
        t -> t.equals(SQLDataTypes.VectorType()), "an ml.linalg vector");
    StructType out = schema;
    if (classifies()) {
      out = out.add(getOrDefault(rawPredictionCol), SQLDataTypes.VectorType()).add(getOrDefault(probabilityCol),
          SQLDataTypes.VectorType());
    }
    return out.add(getOrDefault(predictionCol), DataTypes.DoubleType);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    double[] xs = x;
    int k = outputs();
    int f = featureCount;
    boolean b = intercept;
    boolean binomial = model.equals("logistic");
    UserDefinedFunction raw = functions.udf((UDF1<Vector, Vector>) a -> {
      double[] m = margins(a, xs, k, f, b);
      return binomial ? Vectors.dense(-m[0], m[0]) : Vectors.dense(m);
    }, SQLDataTypes.VectorType());
    UserDefinedFunction probability = functions.udf((UDF1<Vector, Vector>) r -> {
      if (binomial) {
        double p1 = 1 / (1 + Math.exp(-r.apply(1)));
        return Vectors.dense(1 - p1, p1);
      }
      double[] m = r.toArray();
      double max = Arrays.stream(m).max().orElse(0);
      double sum = 0;
      double[] p = new double[m.length];
      for (int c = 0; c < m.length; c++) {
        p[c] = Math.exp(m[c] - max);
        sum += p[c];
      }
      for (int c = 0; c < m.length; c++) {
        p[c] /= sum;
      }
      return Vectors.dense(p);
    }, SQLDataTypes.VectorType());
    UserDefinedFunction argmax = functions.udf((UDF1<Vector, Double>) v -> (double) v.argmax(), DataTypes.DoubleType);
    UserDefinedFunction linear = functions.udf((UDF1<Vector, Double>) a -> margins(a, xs, 1, f, b)[0],
        DataTypes.DoubleType);
    if (!classifies()) {
      return dataset.withColumn(getOrDefault(predictionCol), linear.apply(functions.col(getOrDefault(featuresCol))));
    }
    Dataset<Row> out = dataset.withColumn(getOrDefault(rawPredictionCol), raw.apply(functions.col(getOrDefault(featuresCol))));
    out = out.withColumn(getOrDefault(probabilityCol), probability.apply(functions.col(getOrDefault(rawPredictionCol))));
    return out.withColumn(getOrDefault(predictionCol), argmax.apply(functions.col(getOrDefault(rawPredictionCol))));
  }

  @Override
  public TunedGlmModel copy(ParamMap extra) {
    return copyValues(new TunedGlmModel(uid, model, classes, intercept, featureCount, lambda, x, history, method), extra)
        .setParent(parent());
  }

  private static final StructType DATA = new StructType().add("model", DataTypes.StringType)
      .add("classes", DataTypes.IntegerType).add("intercept", DataTypes.BooleanType)
      .add("features", DataTypes.IntegerType).add("lambda", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("x", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("history", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
      .add("method", DataTypes.StringType);

  @Override
  public MLWriter write() {
    TunedGlmModel m = this;
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        List<List<Double>> h = history.stream().map(ModelFiles::boxed).toList();
        ModelFiles.write(m, path, sparkSession(), DATA, RowFactory.create(model, classes, intercept, featureCount,
            ModelFiles.boxed(lambda), ModelFiles.boxed(x), h, method));
      }
    };
  }

  public static MLReader<TunedGlmModel> read() {
    return new MLReader<>() {
      @Override
      public TunedGlmModel load(String path) {
        ModelFiles.Saved saved = ModelFiles.read(path, sparkSession(), TunedGlmModel.class);
        Row r = saved.data();
        List<double[]> h = new ArrayList<>();
        for (Object o : r.getList(6)) {
          h.add(ModelFiles.unboxed(scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) o)));
        }
        return saved.withParams(new TunedGlmModel(saved.metadata().uid(), r.getString(0), r.getInt(1), r.getBoolean(2),
            r.getInt(3), ModelFiles.unboxed(r.getList(4)), ModelFiles.unboxed(r.getList(5)), h, r.getString(7)));
      }
    };
  }

  public static TunedGlmModel load(String path) {
    return read().load(path);
  }
}
