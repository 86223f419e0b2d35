package io.hypergrad.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.ml.linalg.SparseVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
  @TempDir
  Path dir;

  private Path write(String name, String text, boolean gzip) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return f;
  }

  @Test
  void adultFixture() throws IOException {
    Path data = write("adult.data", """
        39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K
        50, Self-emp-not-inc, 83311, Bachelors, 13, Married-civ-spouse, Exec-managerial, Husband, White, Male, 0, 0, 13, United-States, >50K
        54, ?, 180211, Some-college, 10, Married-civ-spouse, ?, Husband, Asian-Pac-Islander, Male, 0, 0, 60, South, >50K

        """, false);
    Path test = write("adult.test.gz", """
        |1x3 Cross validator
        25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child, Black, Female, 0, 0, 40, United-States, <=50K.
        """, true);
    RawDataset d = AdultReader.read(List.of(data, test));
    assertEquals(3, d.size());
    assertArrayEquals(new double[] {0, 1, 0}, d.labels());
    assertEquals(1L, d.dropped().get("missing value (?)"));
    // sorted over the kept rows of both files: Private < Self-emp-not-inc < State-gov, 11th < Bachelors
    assertEquals(List.of("Private", "Self-emp-not-inc", "State-gov"), d.encodings().get("workclass"));
    assertArrayEquals(new double[] {39, 2, 77516, 1, 13, 1, 0, 1, 1, 1, 2174, 0, 40, 0}, d.features()[0].toArray());
    assertEquals(0, d.features()[2].apply(9));
  }

  @Test
  void adultBadInputNamesFileLineAndField() throws IOException {
    Path bad = write("bad.data", "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K\n"
        + "50, Private, lots, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 0, 0, 40, United-States, <=50K\n", false);
    DataFormatException e = assertThrows(DataFormatException.class, () -> AdultReader.read(List.of(bad)));
    assertTrue(e.getMessage().contains("bad.data:2") && e.getMessage().contains("fnlwgt") && e.getMessage().contains("lots"), e.getMessage());
    Path label = write("label.data", "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, rich\n", false);
    e = assertThrows(DataFormatException.class, () -> AdultReader.read(List.of(label)));
    assertTrue(e.getMessage().contains("label.data:1") && e.getMessage().contains("income"), e.getMessage());
    Path shortRow = write("short.data", "39, State-gov, 77516\n", false);
    e = assertThrows(DataFormatException.class, () -> AdultReader.read(List.of(shortRow)));
    assertTrue(e.getMessage().contains("15"), e.getMessage());
  }

  @Test
  void realAdultFilesHaveTheDocumentedCounts() throws IOException {
    Path shared = Path.of("../../shared/data/adult");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared), "../shared/data not present");
    RawDataset train = AdultReader.read(List.of(shared.resolve("adult.data.gz")));
    // 32,561 records of which 2,399 have a '?' (the UCI documentation's 30,162 complete rows)
    assertEquals(30_162, train.size());
    assertEquals(2_399L, train.dropped().get("missing value (?)"));
    RawDataset test = AdultReader.read(List.of(shared.resolve("adult.test.gz")));
    assertEquals(15_060, test.size());
    assertEquals(8, train.encodings().size());
    assertEquals(2, train.encodings().get("sex").size());
  }

  @Test
  void libsvmFixtureAndErrors() throws IOException {
    Path f = write("t.libsvm", "-1 1:0.5 3:2\n+1 2:1.0\n1.0 1:1 2:2 3:3\n-1.0\n", false);
    RawDataset d = LibsvmReader.read(f, 3, true);
    assertArrayEquals(new double[] {0, 1, 1, 0}, d.labels());
    assertTrue(d.features()[0] instanceof SparseVector);
    assertArrayEquals(new double[] {0.5, 0, 2}, d.features()[0].toArray());
    assertEquals(0, d.features()[3].numNonzeros());
    Path bad = write("bad.libsvm", "1 1:0.5 1:2\n", false);
    DataFormatException e = assertThrows(DataFormatException.class, () -> LibsvmReader.read(bad, 3, true));
    assertTrue(e.getMessage().contains("bad.libsvm:1") && e.getMessage().contains("increasing"), e.getMessage());
    Path zero = write("zero.libsvm", "1 0:0.5\n", false);
    assertThrows(DataFormatException.class, () -> LibsvmReader.read(zero, 3, true));
    Path label = write("label.libsvm", "2 1:0.5\n", false);
    assertThrows(DataFormatException.class, () -> LibsvmReader.read(label, 3, true));
  }

  @Test
  void realIjcnn1() throws IOException {
    Path shared = Path.of("../../shared/data/ijcnn1");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared), "../shared/data not present");
    RawDataset train = LibsvmReader.read(shared.resolve("ijcnn1.gz"), 22, true);
    assertEquals(49_990, train.size());
    double positives = java.util.Arrays.stream(train.labels()).sum();
    // SOURCE.md: +1 is 9.71% of the training rows
    assertEquals(0.0971, positives / train.size(), 0.0005);
  }

  private Path idx(String name, int magic, int[] header, byte[] body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    for (int h : header) {
      out.writeInt(h);
    }
    out.write(body);
    Path f = dir.resolve(name);
    Files.write(f, bytes.toByteArray());
    return f;
  }

  @Test
  void idxFixtureAndErrors() throws IOException {
    Path images = idx("img", 2051, new int[] {2, 2, 2}, new byte[] {0, 1, 2, (byte) 255, 4, 5, 6, 7});
    Path labels = idx("lab", 2049, new int[] {2}, new byte[] {3, 9});
    RawDataset d = IdxReader.read(images, labels);
    assertArrayEquals(new double[] {0, 1, 2, 255}, d.features()[0].toArray());
    assertArrayEquals(new double[] {3, 9}, d.labels());
    Path wrongMagic = idx("img2", 2049, new int[] {2, 2, 2}, new byte[8]);
    DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(wrongMagic, labels));
    assertTrue(e.getMessage().contains("magic") && e.getMessage().contains("2051"), e.getMessage());
    Path truncated = idx("img3", 2051, new int[] {2, 2, 2}, new byte[6]);
    e = assertThrows(DataFormatException.class, () -> IdxReader.read(truncated, labels));
    assertTrue(e.getMessage().contains("ends inside image 2"), e.getMessage());
    Path fewLabels = idx("lab2", 2049, new int[] {1}, new byte[] {1});
    e = assertThrows(DataFormatException.class, () -> IdxReader.read(images, fewLabels));
    assertTrue(e.getMessage().contains("2 images"), e.getMessage());
  }

  @Test
  void realFashionMnistTestSet() throws IOException {
    Path shared = Path.of("../../shared/data/fashion_mnist");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared), "../shared/data not present");
    RawDataset d = IdxReader.read(shared.resolve("t10k-images-idx3-ubyte.gz"), shared.resolve("t10k-labels-idx1-ubyte.gz"));
    assertEquals(10_000, d.size());
    assertEquals(784, d.features()[0].size());
    long[] perClass = new long[10];
    for (double y : d.labels()) {
      perClass[(int) y]++;
    }
    // the test set is balanced: 1000 per class
    for (long c : perClass) {
      assertEquals(1000, c);
    }
  }
}
