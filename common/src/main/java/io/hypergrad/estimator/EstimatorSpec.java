package io.hypergrad.estimator;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One estimator configuration: the method and the parameters it uses. Construction validates
 * them, so a spec that exists can run.
 *
 * @param scale    the fixed-point step s (γ in the paper); the iteration contracts only while s·λ_max(A) &lt; 2
 * @param alpha    the mixing rate α ∈ [0,1] of the mixed methods (α = 1 − the reference code's {@code a})
 * @param schedule lr_t of the relaxed methods (sid, mixed-fp-km); null for the others
 * @param tol      cg: stop when ‖A x − c‖ ≤ tol·‖c‖
 * @param maxIter  cg: iteration cap
 */
public record EstimatorSpec(Method method, double scale, double alpha, StepSchedule schedule, double tol, int maxIter)
    implements java.io.Serializable {

  public static final double DEFAULT_CG_TOL = 1e-12;

  public EstimatorSpec {
    if (method == null) {
      throw new IllegalArgumentException("method is required");
    }
    if (method.isIterative() && !(scale > 0 && Double.isFinite(scale))) {
      throw new IllegalArgumentException(method + ": scale must be a finite number > 0, got " + scale);
    }
    if (method.isMixed() && !(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException(method + ": alpha must lie in [0, 1], got " + alpha);
    }
    if (method.isScheduled() && schedule == null) {
      throw new IllegalArgumentException(method + " needs a step-size schedule (const, linear, root, exp or poly)");
    }
    if (method == Method.CG) {
      if (!(tol > 0 && tol < 1)) {
        throw new IllegalArgumentException("cg: tol must lie in (0, 1), got " + tol);
      }
      if (maxIter <= 0) {
        throw new IllegalArgumentException("cg: max_iter must be positive, got " + maxIter);
      }
    }
  }

  public static EstimatorSpec neumann(double scale) {
    return new EstimatorSpec(Method.NEUMANN, scale, Double.NaN, null, DEFAULT_CG_TOL, 1);
  }

  public static EstimatorSpec unroll(double scale) {
    return new EstimatorSpec(Method.UNROLL, scale, Double.NaN, null, DEFAULT_CG_TOL, 1);
  }

  public static EstimatorSpec sid(double scale, StepSchedule schedule) {
    return new EstimatorSpec(Method.SID, scale, Double.NaN, schedule, DEFAULT_CG_TOL, 1);
  }

  public static EstimatorSpec mixedFp(double scale, double alpha) {
    return new EstimatorSpec(Method.MIXED_FP, scale, alpha, null, DEFAULT_CG_TOL, 1);
  }

  public static EstimatorSpec mixedFpKm(double scale, double alpha, StepSchedule schedule) {
    return new EstimatorSpec(Method.MIXED_FP_KM, scale, alpha, schedule, DEFAULT_CG_TOL, 1);
  }

  public static EstimatorSpec cg(double tol, int maxIter) {
    return new EstimatorSpec(Method.CG, Double.NaN, Double.NaN, null, tol, maxIter);
  }

  public static EstimatorSpec exact() {
    return new EstimatorSpec(Method.EXACT, Double.NaN, Double.NaN, null, DEFAULT_CG_TOL, 1);
  }

  /** The parameters this method uses, by their config names, in a fixed order. */
  public Map<String, Object> params() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (method.isMixed()) {
      m.put("alpha", alpha);
    }
    if (method.isIterative()) {
      m.put("scale", scale);
    }
    if (method.isScheduled()) {
      m.put("schedule", schedule.name());
      m.putAll(schedule.params());
    }
    if (method == Method.CG) {
      m.put("tol", tol);
      m.put("max_iter", maxIter);
    }
    return m;
  }

  /** e.g. {@code mixed-fp-km(alpha=0.8,scale=1,schedule=linear,eta0=50,t0=100)}; {@code exact} alone. */
  public String label() {
    Map<String, Object> params = params();
    if (params.isEmpty()) {
      return method.canonicalName();
    }
    StringJoiner j = new StringJoiner(",", method.canonicalName() + "(", ")");
    params.forEach((k, v) -> j.add(k + "=" + compact(v)));
    return j.toString();
  }

  /** Shortest exact form of numbers (1 not 1.0, 0.001, 1e-12 not 1.0E-12), the value itself otherwise. */
  public static String compact(Object value) {
    if (value instanceof Double d) {
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString(d.longValue());
      }
      double abs = Math.abs(d);
      if (abs >= 1e-4 && abs < 1e15) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
      }
      BigDecimal b = BigDecimal.valueOf(d).stripTrailingZeros();
      String mantissa = b.unscaledValue().toString();
      String sign = mantissa.startsWith("-") ? "-" : "";
      String digits = sign.isEmpty() ? mantissa : mantissa.substring(1);
      int exponent = digits.length() - 1 - b.scale();
      String m = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + m + "e" + exponent;
    }
    return String.valueOf(value);
  }
}
