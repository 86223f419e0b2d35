package io.hypergrad.plan;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines while chains run: a status line at most every couple of seconds, with rate and ETA. */
public final class Progress {
  private static final long STATUS_EVERY_NANOS = 2_000_000_000L;

  private final PrintStream log;
  private final int totalChains;
  private final long iterationsPerChain;
  private final long start = System.nanoTime();
  private int done;
  private long lastStatus = start;

  public Progress(PrintStream log, int totalChains, long iterationsPerChain) {
    this.log = log;
    this.totalChains = totalChains;
    this.iterationsPerChain = iterationsPerChain;
  }

  synchronized void chainDone() {
    done++;
    long now = System.nanoTime();
    if (now - lastStatus >= STATUS_EVERY_NANOS || done == totalChains) {
      lastStatus = now;
      double elapsed = (now - start) / 1e9;
      double rate = done / elapsed;
      double eta = (totalChains - done) / rate;
      log.printf(Locale.ROOT, "  chains %d/%d  %.1f chains/s  %.3g iterations/s  elapsed %.1f s  ETA %.1f s%n",
          done, totalChains, rate, rate * iterationsPerChain, elapsed, eta);
    }
  }

  synchronized void line(String text) {
    log.println(text);
  }
}
