package io.hypergrad.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPreparationTest {
  @TempDir
  Path dir;

  @Test
  void standardScalerGivesZeroMeanUnitVarianceAndTreatsSparseZerosAsValues() {
    Vector[] dense = {Vectors.dense(1, 0, 5), Vectors.dense(3, 2, 5), Vectors.dense(5, 0, 5), Vectors.dense(7, 2, 5)};
    Scaler s = Scaler.fit("standard", dense, 3);
    assertArrayEquals(new double[] {4, 1, 5}, s.shift(), 1e-15);
    // population std of {1,3,5,7} is √5; the constant feature keeps scale 1
    assertArrayEquals(new double[] {Math.sqrt(5), 1, 1}, s.scale(), 1e-15);
    Vector[] sparse = new Vector[dense.length];
    for (int i = 0; i < dense.length; i++) {
      sparse[i] = dense[i].toSparse();
    }
    Scaler t = Scaler.fit("standard", sparse, 3);
    assertArrayEquals(s.shift(), t.shift(), 1e-15);
    assertArrayEquals(s.scale(), t.scale(), 1e-15);
    assertArrayEquals(new double[] {-3 / Math.sqrt(5), -1, 0}, t.apply(sparse[0]).toArray(), 1e-15);
  }

  @Test
  void minmaxMapsTrainToUnitIntervalAndKeepsSparseRowsSparse() {
    Vector[] rows = {Vectors.sparse(2, new int[] {0}, new double[] {4}), Vectors.sparse(2, new int[] {1}, new double[] {2})};
    Scaler s = Scaler.fit("minmax", rows, 2);
    assertArrayEquals(new double[] {0, 0}, s.shift());
    assertArrayEquals(new double[] {4, 2}, s.scale());
    Vector scaled = s.apply(rows[0]);
    assertTrue(scaled instanceof SparseVector);
    assertArrayEquals(new double[] {1, 0}, scaled.toArray());
    Scaler g = Scaler.fit("standard-global", new Vector[] {Vectors.dense(0, 2), Vectors.dense(4, 6)}, 2);
    assertArrayEquals(new double[] {3, 3}, g.shift());
    assertArrayEquals(new double[] {Math.sqrt(5), Math.sqrt(5)}, g.scale(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Scaler.fit("zscore", rows, 2));
  }

  @Test
  void splitSizesByCountOrRatio() {
    assertArrayEquals(new int[] {5, 3, 0}, new SplitSizes(5, 3, 0).counts(10));
    assertArrayEquals(new int[] {5, 2, 1}, new SplitSizes(0.5, 0.25, 0.1).counts(10));
    assertThrows(IllegalArgumentException.class, () -> new SplitSizes(8, 3, 0).counts(10));
    assertThrows(IllegalArgumentException.class, () -> new SplitSizes(1.5, 3, 0));
    assertThrows(IllegalArgumentException.class, () -> new SplitSizes(-1, 3, 0));
  }

  @Test
  void labelNoiseChangesExactlyTheFractionToAnotherClass() {
    double[] y = new double[1000];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 10;
    }
    boolean[] noisy = new boolean[y.length];
    double[] z = LabelNoise.apply(y, 10, 0.5, 7, noisy);
    int changed = 0;
    int[] perClass = new int[10];
    for (int i = 0; i < y.length; i++) {
      assertEquals(noisy[i], z[i] != y[i]);
      changed += noisy[i] ? 1 : 0;
      perClass[(int) z[i]]++;
    }
    assertEquals(500, changed);
    for (int c : perClass) {
      assertTrue(c > 60 && c < 140, "classes stay roughly balanced: " + c);
    }
    assertArrayEquals(z, LabelNoise.apply(y, 10, 0.5, 7, new boolean[y.length]));
    double[] binary = LabelNoise.apply(new double[] {0, 1, 0, 1}, 2, 1.0, 1, new boolean[4]);
    assertArrayEquals(new double[] {1, 0, 1, 0}, binary);
  }

  private DataSpec csvSpec(Path f, double noise) {
    return new DataSpec("csv", List.of(f), "y", ',', 0, "sklearn", "minmax", new SplitSizes(6, 2, 2), 42, noise, 3);
  }

  @Test
  void preparationIsSeededDisjointAndScalesWithTrainStatisticsOnly() throws IOException {
    StringBuilder text = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < 12; i++) {
      text.append(i).append(',').append(i * i).append(',').append(i % 2).append('\n');
    }
    Path f = dir.resolve("d.csv");
    Files.writeString(f, text);
    DataPreparation.Result r = DataPreparation.run(csvSpec(f, 0));
    assertEquals(List.of("train", "val", "test"), r.splits().stream().map(PreparedSplit::name).toList());
    Set<Long> seen = new HashSet<>();
    for (PreparedSplit s : r.splits()) {
      for (int i = 0; i < s.size(); i++) {
        assertTrue(seen.add(s.ids()[i]), "ids are disjoint across splits");
        // the label travels with its row: y = id mod 2
        assertEquals(s.ids()[i] % 2, (long) s.labels()[i]);
      }
    }
    PreparedSplit train = r.split("train");
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (Vector v : train.features()) {
      min = Math.min(min, v.apply(0));
      max = Math.max(max, v.apply(0));
    }
    assertEquals(0, min, 0);
    assertEquals(1, max, 1e-15);
    assertEquals(2, r.classes());
    DataPreparation.Result again = DataPreparation.run(csvSpec(f, 0));
    assertArrayEquals(train.ids(), again.split("train").ids());
    DataPreparation.Result other = DataPreparation.run(new DataSpec("csv", List.of(f), "y", ',', 0, "sklearn", "minmax",
        new SplitSizes(6, 2, 2), 43, 0, 3));
    assertNotEquals(java.util.Arrays.toString(train.ids()), java.util.Arrays.toString(other.split("train").ids()));
    @SuppressWarnings("unchecked")
    Map<String, Object> src = ((List<Map<String, Object>>) r.metadata().get("sources")).get(0);
    assertEquals(64, ((String) src.get("sha256")).length());

    DataPreparation.Result noisy = DataPreparation.run(csvSpec(f, 0.5));
    PreparedSplit nt = noisy.split("train");
    int changed = 0;
    for (int i = 0; i < nt.size(); i++) {
      changed += nt.labels()[i] != nt.cleanLabels()[i] ? 1 : 0;
    }
    assertEquals(3, changed);
    assertArrayEquals(r.split("val").labels(), noisy.split("val").labels(), "noise touches train only");
  }

  @Test
  void realAdultPaperSplit() throws IOException {
    Path data = Path.of("../../shared/data/adult/adult.data.gz");
    Assumptions.assumeTrue(Files.isRegularFile(data), "../shared/data not present");
    DataPreparation.Result r = DataPreparation.run(new DataSpec("adult", List.of(data), null, ',', 0, null, "minmax",
        new SplitSizes(5000, 5000, 0), 0, 0, 0));
    assertEquals(2, r.splits().size());
    assertEquals(5000, r.split("train").size());
    assertEquals(14, r.featureCount());
    assertEquals(30_162, r.metadata().get("rows_read"));
  }
}
