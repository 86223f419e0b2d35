package io.hypergrad.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaliforniaAndCsvReadersTest {
  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void californiaFixtureDerivesTheSklearnFeatures() throws IOException {
    Path f = write("cal.data", "-122.230000,37.880000,41.000000,880.000000,129.000000,322.000000,126.000000,8.325200,452600.000000\n");
    RawDataset sk = CaliforniaReader.read(f, CaliforniaReader.Features.SKLEARN);
    // MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude
    assertArrayEquals(new double[] {8.3252, 41, 880.0 / 126, 129.0 / 126, 322, 322.0 / 126, 37.88, -122.23},
        sk.features()[0].toArray(), 1e-12);
    assertEquals(4.526, sk.labels()[0], 1e-12);
    RawDataset raw = CaliforniaReader.read(f, CaliforniaReader.Features.RAW);
    assertArrayEquals(new double[] {-122.23, 37.88, 41, 880, 129, 322, 126, 8.3252}, raw.features()[0].toArray(), 1e-12);
    assertEquals(CaliforniaReader.COLUMNS.subList(0, 8), raw.featureNames());
  }

  @Test
  void californiaBadInput() throws IOException {
    Path bad = write("bad.data", "-122.23,37.88,41,880,129,322,126,8.3252,452600\n-122.23,37.88,old,880,129,322,126,8.3,1\n");
    DataFormatException e = assertThrows(DataFormatException.class, () -> CaliforniaReader.read(bad, CaliforniaReader.Features.RAW));
    assertTrue(e.getMessage().contains("bad.data:2") && e.getMessage().contains("housingMedianAge")
        && e.getMessage().contains("'old'"), e.getMessage());
    Path shortRow = write("short.data", "1,2,3\n");
    e = assertThrows(DataFormatException.class, () -> CaliforniaReader.read(shortRow, CaliforniaReader.Features.RAW));
    assertTrue(e.getMessage().contains("short.data:1") && e.getMessage().contains("9"), e.getMessage());
    Path zeroHouseholds = write("zero.data", "-122.23,37.88,41,880,129,322,0,8.3252,452600\n");
    e = assertThrows(DataFormatException.class, () -> CaliforniaReader.read(zeroHouseholds, CaliforniaReader.Features.SKLEARN));
    assertTrue(e.getMessage().contains("households"), e.getMessage());
  }

  @Test
  void realCaliforniaMatchesScikitLearnsStatistics() throws IOException {
    Path file = Path.of("../../shared/data/california_housing/cal_housing.data.gz");
    Assumptions.assumeTrue(Files.isRegularFile(file), "../shared/data not present");
    RawDataset d = CaliforniaReader.read(file, CaliforniaReader.Features.SKLEARN);
    assertEquals(20_640, d.size());
    double[] mean = new double[8];
    for (var row : d.features()) {
      for (int j = 0; j < 8; j++) {
        mean[j] += row.apply(j) / d.size();
      }
    }
    // SOURCE.md: scikit-learn's MedInc, HouseAge, AveRooms, AveOccup means and target mean (×100,000)
    assertEquals(3.870671, mean[0], 1e-6);
    assertEquals(28.639486, mean[1], 1e-6);
    assertEquals(5.428999742, mean[2], 1e-8);
    assertEquals(3.070655159, mean[5], 1e-8);
    assertEquals(2.068558, java.util.Arrays.stream(d.labels()).average().orElseThrow(), 1e-6);
  }

  @Test
  void csvWithANamedLabelColumn() throws IOException {
    Path f = write("t.csv", "a,price,b\n1,10,2\n3,20.5,4\n\n");
    RawDataset d = CsvReader.read(f, "price", ',');
    assertEquals(List.of("a", "b"), d.featureNames());
    assertArrayEquals(new double[] {10, 20.5}, d.labels());
    assertArrayEquals(new double[] {3, 4}, d.features()[1].toArray());
    Path semi = write("t2.csv", "x;y\n1;0\n");
    assertArrayEquals(new double[] {0}, CsvReader.read(semi, "y", ';').labels());
    // a byte-order mark before the header is not part of the first name
    Path bom = write("t3.csv", "\uFEFFa,price\n1,10\n");
    assertEquals(List.of("a"), CsvReader.read(bom, "price", ',').featureNames());
  }

  @Test
  void csvBadInput() throws IOException {
    Path f = write("t.csv", "a,price,b\n1,10,2\n3,NaN,4\n");
    DataFormatException e = assertThrows(DataFormatException.class, () -> CsvReader.read(f, "price", ','));
    assertTrue(e.getMessage().contains("t.csv:3") && e.getMessage().contains("price") && e.getMessage().contains("NaN"),
        e.getMessage());
    e = assertThrows(DataFormatException.class, () -> CsvReader.read(f, "cost", ','));
    assertTrue(e.getMessage().contains("t.csv:1") && e.getMessage().contains("cost"), e.getMessage());
    Path ragged = write("r.csv", "a,y\n1,2,3\n");
    e = assertThrows(DataFormatException.class, () -> CsvReader.read(ragged, "y", ','));
    assertTrue(e.getMessage().contains("r.csv:2") && e.getMessage().contains("expected 2 fields"), e.getMessage());
  }
}
