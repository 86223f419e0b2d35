package io.hypergrad.prep;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/**
 * IDX files (MNIST, Fashion-MNIST), gzip or raw: an images file (magic 2051, count, rows, cols,
 * then uint8 pixels row-major) and a labels file (magic 2049, count, uint8 labels). Headers are
 * big-endian; magic numbers, dimensions and counts are checked.
 */
public final class IdxReader {
  private static final int IMAGES_MAGIC = 2051;
  private static final int LABELS_MAGIC = 2049;
  /** Pixels an image at most (4096×4096): a header beyond it is damaged, not an image to allocate. */
  static final long MAX_PIXELS = 1L << 24;

  private IdxReader() {}

  /** Pixels as doubles in [0, 255], one dense row per image. */
  public static RawDataset read(Path images, Path labels) throws IOException {
    double[] y = readLabels(labels);
    try (DataInputStream in = new DataInputStream(InputFiles.open(images))) {
      int[] header = header(in, images, 4);
      int magic = header[0];
      if (magic != IMAGES_MAGIC) {
        throw new DataFormatException(images.toString(), 0, "magic", "expected " + IMAGES_MAGIC + " (IDX images), found " + magic);
      }
      int count = header[1];
      int rows = header[2];
      int cols = header[3];
      if (count < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > MAX_PIXELS) {
        throw new DataFormatException(images.toString(), 0, "dimensions", "bad header: " + count + " images of " + rows + "×"
            + cols + " (at most " + MAX_PIXELS + " pixels an image)");
      }
      if (count != y.length) {
        throw new DataFormatException(images.toString(), 0, "count", count + " images but " + labels + " has " + y.length + " labels");
      }
      int f = rows * cols;
      byte[] buf = new byte[f];
      Vector[] features = new Vector[count];
      for (int i = 0; i < count; i++) {
        try {
          in.readFully(buf);
        } catch (EOFException e) {
          throw new DataFormatException(images.toString(), i + 1, "pixels", "file ends inside image " + (i + 1) + " of " + count);
        }
        double[] v = new double[f];
        for (int j = 0; j < f; j++) {
          v[j] = buf[j] & 0xff;
        }
        features[i] = Vectors.dense(v);
      }
      if (in.read() != -1) {
        throw new DataFormatException(images.toString(), count, "pixels", "bytes left after " + count + " images");
      }
      List<String> names = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          names.add("pixel_" + r + "_" + c);
        }
      }
      return new RawDataset(names, features, y, Map.of(), Map.of());
    }
  }

  /** The header's {@code ints} big-endian ints, or an error naming the file when it ends first. */
  private static int[] header(DataInputStream in, Path file, int ints) throws IOException {
    int[] out = new int[ints];
    for (int i = 0; i < ints; i++) {
      try {
        out[i] = in.readInt();
      } catch (EOFException e) {
        throw new DataFormatException(file.toString(), 0, "header", "file ends inside its " + 4 * ints + "-byte IDX header");
      }
    }
    return out;
  }

  private static double[] readLabels(Path labels) throws IOException {
    try (DataInputStream in = new DataInputStream(InputFiles.open(labels))) {
      int[] header = header(in, labels, 2);
      int magic = header[0];
      if (magic != LABELS_MAGIC) {
        throw new DataFormatException(labels.toString(), 0, "magic", "expected " + LABELS_MAGIC + " (IDX labels), found " + magic);
      }
      int count = header[1];
      if (count < 0) {
        throw new DataFormatException(labels.toString(), 0, "count", "negative count " + count);
      }
      // read as far as the file goes (not a buffer of the header's count first: a damaged count can be 2³¹)
      byte[] buf = in.readNBytes(count);
      if (buf.length < count) {
        throw new DataFormatException(labels.toString(), 0, "labels", "file ends after " + buf.length + " of its " + count
            + " labels");
      }
      if (in.read() != -1) {
        throw new DataFormatException(labels.toString(), count, "labels", "bytes left after " + count + " labels");
      }
      double[] y = new double[count];
      for (int i = 0; i < count; i++) {
        y[i] = buf[i] & 0xff;
      }
      return y;
    }
  }

}
