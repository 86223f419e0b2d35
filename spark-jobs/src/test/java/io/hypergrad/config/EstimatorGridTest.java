package io.hypergrad.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.estimator.EstimatorSpec;
import io.hypergrad.estimator.Method;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstimatorGridTest {
  @TempDir
  Path dir;

  private List<EstimatorSpec> expand(String hocon, List<String> sets, List<String> skipped) throws IOException {
    File f = dir.resolve("t.conf").toFile();
    Files.writeString(f.toPath(), hocon);
    JobConfig cfg = JobConfig.load(f, sets, io.hypergrad.config.ConfigKeys.Job.ESTIMATE.keys());
    return EstimatorGrid.expand(cfg, 1000, skipped::add);
  }

  @Test
  void listsExpandToTheirCrossProduct() throws IOException {
    List<EstimatorSpec> specs = expand("estimators = [ { method = vr, scale = [0.1, 1], alpha = [0, 0.5, 1] } ]",
        List.of(), new ArrayList<>());
    assertEquals(6, specs.size());
    assertEquals(Method.MIXED_FP, specs.get(0).method());
    assertEquals("mixed-fp(alpha=0,scale=0.1)", specs.get(0).label());
    assertEquals("mixed-fp(alpha=1,scale=1)", specs.get(5).label());
  }

  @Test
  void topLevelIsADefaultAndSetOverridesEverything() throws IOException {
    String hocon = "scale = 0.5\nalpha = 0.9\nestimators = [ { method = mixed-fp }, { method = mixed-fp, alpha = 0.3 }, "
        + "{ method = neumann } ]";
    List<EstimatorSpec> plain = expand(hocon, List.of(), new ArrayList<>());
    assertEquals("mixed-fp(alpha=0.9,scale=0.5)", plain.get(0).label());
    assertEquals("mixed-fp(alpha=0.3,scale=0.5)", plain.get(1).label());
    assertEquals("neumann(scale=0.5)", plain.get(2).label());
    List<EstimatorSpec> set = expand(hocon, List.of("alpha=0.99", "scale=2"), new ArrayList<>());
    // both mixed entries now have the same label and collapse into one
    assertEquals(List.of("mixed-fp(alpha=0.99,scale=2)", "neumann(scale=2)"), set.stream().map(EstimatorSpec::label).toList());
  }

  @Test
  void referenceParameterAIsOneMinusAlpha() throws IOException {
    List<EstimatorSpec> specs = expand("estimators = [ { method = vr_km, a = 0.2, schedule = linear, eta0 = 50, t0 = 100 } ]",
        List.of(), new ArrayList<>());
    assertEquals(0.8, specs.get(0).alpha(), 1e-15);
    assertEquals("mixed-fp-km", specs.get(0).method().canonicalName());
  }

  @Test
  void gridPointsBreakingAConstraintAreLeftOut() throws IOException {
    List<String> skipped = new ArrayList<>();
    List<EstimatorSpec> specs = expand("estimators = [ { method = sid, schedule = linear, eta0 = [10, 100], t0 = [10, 1000] } ]",
        List.of(), skipped);
    // η₀ = 100 with t₀ = 10 gives lr_0 = 100/11 > 1
    assertEquals(3, specs.size());
    assertEquals(1, skipped.size());
    assertTrue(skipped.get(0).contains("lr_0"), skipped.get(0));
  }

  @Test
  void mistakesNameTheirPlace() {
    assertMessage("does not take 'alpha'", "estimators = [ { method = neumann, alpha = 0.5 } ]");
    assertMessage("unknown key 'alpah'", "estimators = [ { method = mixed-fp, alpah = 0.5 } ]");
    assertMessage("needs 'alpha'", "estimators = [ { method = mixed-fp } ]");
    assertMessage("unknown method", "estimators = [ { method = lissa } ]");
    assertMessage("alpha must lie in [0, 1]", "estimators = [ { method = mixed-fp, alpha = 2 } ]");
    assertMessage("scale must be", "estimators = [ { method = neumann, scale = -1 } ]");
    assertMessage("unknown schedule", "estimators = [ { method = sid, schedule = cosine } ]");
    assertMessage("not both", "estimators = [ { method = mixed-fp, alpha = 0.5, a = 0.5 } ]");
    assertMessage("must be a number", "estimators = [ { method = neumann, scale = fast } ]");
    assertMessage("t.conf: 1", "estimators = [ { method = neumann, alpha = 0.5 } ]");
  }

  private void assertMessage(String fragment, String hocon) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> expand(hocon, List.of(), new ArrayList<>()));
    assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
  }
}
