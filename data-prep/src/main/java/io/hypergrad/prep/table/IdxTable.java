package io.hypergrad.prep.table;

import io.hypergrad.prep.DataFormatException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A pair of IDX files (MNIST, Fashion-MNIST: images, magic 2051, count, rows, cols, then uint8
 * pixels; labels, magic 2049, count, uint8 labels) as a table of {@code label} and a dense {@code
 * features} vector of pixels in [0, 255], read on the executors through the Hadoop FileSystem API.
 * Spark has no IDX source; its records have a fixed length, so uncompressed files are read in row
 * ranges, one per task, each seeking to its first record; a gzip file (told by its magic bytes) is
 * read whole by one task. The headers are checked on the driver (magic numbers, dimensions, counts,
 * and for uncompressed files the file lengths) before any task runs.
 */
final class IdxTable {
  private static final int IMAGES_MAGIC = 2051;
  private static final int LABELS_MAGIC = 2049;
  // about this many pixel bytes per task for uncompressed files
  private static final long BYTES_PER_TASK = 32L << 20;

  private IdxTable() {}

  /** The header of one IDX file and how to read it. */
  private record Header(String path, int count, int rowLength, boolean gzip, long headerBytes) implements Serializable {}

  static Dataset<Row> read(SparkSession spark, List<String> paths) {
    if (paths.size() != 2) {
      throw new IllegalArgumentException("format idx needs two paths, the images file then the labels file; got "
          + paths.size());
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Header images = header(conf, paths.get(0), IMAGES_MAGIC);
    Header labels = header(conf, paths.get(1), LABELS_MAGIC);
    if (images.count() != labels.count()) {
      throw new DataFormatException(images.path(), 0, "count", images.count() + " images but " + labels.path() + " has "
          + labels.count() + " labels");
    }
    int n = images.count();
    List<int[]> ranges = new ArrayList<>();
    if (images.gzip() || labels.gzip()) {
      ranges.add(new int[] {0, n});
    } else {
      // at most BYTES_PER_TASK of pixels a task, and at least as many tasks as the cluster has cores
      long tasks = Math.max(spark.sparkContext().defaultParallelism(), (long) n * images.rowLength() / BYTES_PER_TASK + 1);
      int perTask = (int) Math.max(1, (n + tasks - 1) / tasks);
      for (int from = 0; from < n; from += perTask) {
        ranges.add(new int[] {from, Math.min(n, from + perTask)});
      }
    }
    Map<String, String> settings = new HashMap<>();
    conf.forEach(e -> settings.put(e.getKey(), e.getValue()));
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(ranges, Math.max(1, ranges.size()))
        .flatMap(range -> rows(settings, images, labels, range[0], range[1]));
    StructType schema = new StructType().add("label", DataTypes.DoubleType, false)
        .add("features", SQLDataTypes.VectorType(), false).add(TableReader.FILE, DataTypes.StringType, false);
    return spark.createDataFrame(rows, schema);
  }

  private static Header header(Configuration conf, String file, int magic) {
    try (InputStream raw = open(conf, file); DataInputStream in = new DataInputStream(maybeGzip(raw))) {
      boolean gzip = isGzip(conf, file);
      int found = readInt(in, file, "magic");
      if (found != magic) {
        throw new DataFormatException(file, 0, "magic", "expected " + magic + (magic == IMAGES_MAGIC ? " (IDX images)"
            : " (IDX labels)") + ", found " + found);
      }
      int count = readInt(in, file, "count");
      int rowLength = 1;
      if (magic == IMAGES_MAGIC) {
        int rows = readInt(in, file, "rows");
        int cols = readInt(in, file, "cols");
        if (rows <= 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE) {
          throw new DataFormatException(file, 0, "dimensions", "bad header: images of " + rows + "×" + cols);
        }
        rowLength = rows * cols;
      }
      if (count < 0) {
        throw new DataFormatException(file, 0, "count", "negative count " + count);
      }
      long headerBytes = magic == IMAGES_MAGIC ? 16 : 8;
      if (!gzip) {
        long length = path(file).getFileSystem(conf).getFileStatus(path(file)).getLen();
        long expected = headerBytes + (long) count * rowLength;
        if (length != expected) {
          throw new DataFormatException(file, 0, magic == IMAGES_MAGIC ? "pixels" : "labels", "the header says " + count
              + " records of " + rowLength + " bytes (" + expected + " bytes with the header), the file has " + length);
        }
      }
      return new Header(file, count, rowLength, gzip, headerBytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Rows from … to − 1 of the pair, read where the task runs. */
  private static Iterator<Row> rows(Map<String, String> settings, Header images, Header labels, int from, int to)
      throws IOException {
    Configuration conf = new Configuration(false);
    settings.forEach(conf::set);
    List<Row> out = new ArrayList<>(to - from);
    try (DataInputStream img = new DataInputStream(at(conf, images, from));
        DataInputStream lab = new DataInputStream(at(conf, labels, from))) {
      byte[] pixels = new byte[images.rowLength()];
      for (int i = from; i < to; i++) {
        try {
          img.readFully(pixels);
        } catch (EOFException e) {
          throw new DataFormatException(images.path(), i + 1, "pixels", "file ends inside image " + (i + 1) + " of "
              + images.count());
        }
        int label = lab.read();
        if (label < 0) {
          throw new DataFormatException(labels.path(), i + 1, "labels", "file ends before its " + labels.count()
              + " labels");
        }
        double[] v = new double[pixels.length];
        for (int j = 0; j < v.length; j++) {
          v[j] = pixels[j] & 0xff;
        }
        out.add(RowFactory.create((double) label, Vectors.dense(v), images.path()));
      }
      if (to == images.count() && (img.read() != -1 || lab.read() != -1)) {
        throw new DataFormatException(images.path() + " / " + labels.path(), images.count(), null, "bytes left after "
            + images.count() + " records");
      }
    }
    return out.iterator();
  }

  /** The stream positioned at record {@code record} (past the header). */
  private static InputStream at(Configuration conf, Header h, int record) throws IOException {
    InputStream raw = open(conf, h.path());
    if (h.gzip()) {
      InputStream in = maybeGzip(raw);
      in.skipNBytes(h.headerBytes() + (long) record * h.rowLength());
      return in;
    }
    ((FSDataInputStream) raw).seek(h.headerBytes() + (long) record * h.rowLength());
    return new BufferedInputStream(raw, 1 << 16);
  }

  private static InputStream open(Configuration conf, String file) throws IOException {
    Path p = path(file);
    return p.getFileSystem(conf).open(p);
  }

  private static Path path(String file) {
    return new Path(file);
  }

  private static boolean isGzip(Configuration conf, String file) throws IOException {
    try (InputStream in = open(conf, file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  /** The stream decompressed when it starts with the gzip magic bytes. */
  private static InputStream maybeGzip(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
  }

  private static int readInt(DataInputStream in, String file, String field) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new DataFormatException(file, 0, field, "the header is cut short");
    }
  }
}
