package io.hypergrad.prep;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens raw dataset files, gzip-compressed or not (told apart by the gzip magic bytes, not the name). */
public final class InputFiles {
  private InputFiles() {}

  public static InputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no such file: " + file);
    }
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new Gzip(file, in), 1 << 16) : in;
  }

  /** A gzip stream whose damage (cut short, bad data) is reported with its file's name. */
  private static final class Gzip extends java.io.FilterInputStream {
    private final Path file;

    Gzip(Path file, InputStream in) throws IOException {
      super(new GZIPInputStream(in, 1 << 16));
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (java.io.EOFException | java.util.zip.ZipException e) {
        throw damaged(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (java.io.EOFException | java.util.zip.ZipException e) {
        throw damaged(e);
      }
    }

    private DataFormatException damaged(IOException e) {
      return new DataFormatException(file + ": the gzip data is damaged or cut short (" + e.getMessage() + ")");
    }
  }

  public static BufferedReader reader(Path file) throws IOException {
    return new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8), 1 << 16);
  }
}
