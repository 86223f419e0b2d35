package io.hypergrad.output;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * errors.csv: iteration,label,mean,std — one row per recorded iteration of every iterative
 * configuration given; gzip-compressed when the file name ends in .gz.
 */
public final class ErrorsCsv {
  private ErrorsCsv() {}

  public static void write(Path file, List<LabelResult> results) throws IOException {
    java.io.OutputStream raw = Files.newOutputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      raw = new java.util.zip.GZIPOutputStream(raw, 1 << 16);
    }
    try (BufferedWriter out = new BufferedWriter(new java.io.OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16)) {
      out.write("iteration,label,mean,std\n");
      for (LabelResult r : results) {
        if (!r.spec().method().isIterative()) {
          continue;
        }
        // labels hold commas: quote them (RFC 4180)
        String label = '"' + r.spec().label().replace("\"", "\"\"") + '"';
        double[] mean = r.errors().mean();
        double[] std = r.errors().std();
        for (int t = 0; t < mean.length; t++) {
          out.write(Integer.toString(r.errors().iterationAt(t)));
          out.write(',');
          out.write(label);
          out.write(',');
          out.write(Double.toString(mean[t]));
          out.write(',');
          out.write(Double.toString(std[t]));
          out.write('\n');
        }
      }
    }
  }
}
