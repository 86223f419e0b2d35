package io.hypergrad.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.config.ConfigKeys;
import io.hypergrad.config.JobConfig;
import io.hypergrad.model.GlmBilevelProblem;
import io.hypergrad.model.NewtonCg;
import io.hypergrad.plan.ExecutionPlan;
import io.hypergrad.task.GlmData;
import io.hypergrad.task.GlmTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code problem.intercept}: the inner optimum is MLlib's LogisticRegression with fitIntercept (the
 * intercept unregularised, the weights ridge-penalised), and every plan gives the driver's result.
 */
class InterceptTest {
  static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  static final String CONF = """
      task = glm
      data {
        source { format = adult, path = "%s" }
        scaler = minmax
        split { train = 2000, val = 1000 }
        seed = 3
      }
      problem { model = logistic, hyper_model = l2, rho = 0.01, lambda_init = 1.0, intercept = true, inner_tol = 1e-12 }
      """.formatted(Path.of("../data/adult/adult.data.gz").toAbsolutePath().toString().replace("\\", "/"));

  @TempDir
  Path dir;

  @Test
  void theInnerOptimumIsMllibsFitWithAnInterceptAndTheSameRegParam() throws Exception {
    Path conf = dir.resolve("intercept.conf");
    Files.writeString(conf, CONF);
    JobConfig cfg = JobConfig.load(conf.toFile(), List.of(), ConfigKeys.Job.ESTIMATE);
    GlmData data = GlmData.load(cfg, QUIET, (n, f) -> ExecutionPlan.DISTRIBUTED);
    GlmBilevelProblem problem = GlmTask.problem(cfg, data);
    assertTrue(problem.intercept());
    int f = data.featureCount() - 1;
    double[] x = NewtonCg.solve(problem, new double[problem.p()], 1e-12, 100).x();
    // MLlib: (1/n)Σℓ + (regParam/2)‖w‖², intercept free; our l2 at λ = 1 is (ρ/2)‖w‖²
    LogisticRegressionModel m = new LogisticRegression().setRegParam(0.01).setElasticNetParam(0).setFitIntercept(true)
        .setStandardization(false).setTol(1e-14).setMaxIter(1000).fit(data.frame("train"));
    double[] w = m.coefficients().toArray();
    assertEquals(f, w.length);
    double scale = Math.abs(m.intercept());
    for (double v : w) {
      scale = Math.max(scale, Math.abs(v));
    }
    // L-BFGS stops near 1e-7 of the optimum's scale here; Newton-CG's x* is tight to 1e-12
    for (int j = 0; j < f; j++) {
      assertEquals(w[j], x[j], 1e-6 * scale, "coefficient " + j);
    }
    assertEquals(m.intercept(), x[f], 1e-6 * scale, "intercept");
    assertTrue(Math.abs(x[f]) > 0.1, "the intercept is far from 0 on Adult: " + x[f]);
    problem.release();
  }

  @Test
  void everyPlanGivesTheDriversCurvesWithAnIntercept() throws Exception {
    Path conf = dir.resolve("plans.conf");
    Files.writeString(conf, CONF + """
        reference = cg
        seeds = 2
        iterations = 200
        estimators = [ { method = mixed-fp-km, alpha = 0.8, schedule = linear, eta0 = 10, t0 = 50 }, { method = neumann } ]
        """);
    Map<String, String> errors = new HashMap<>();
    for (String plan : List.of("driver", "distributed", "chains")) {
      Path out = dir.resolve(plan);
      EstimateJob.run(new RunOptions(conf.toFile(), List.of("plan=" + plan, "partitions=1"), out, false), QUIET);
      errors.put(plan, Files.readString(out.resolve("errors.csv")));
    }
    assertEquals(errors.get("driver"), errors.get("distributed"));
    assertEquals(errors.get("driver"), errors.get("chains"));
  }
}
