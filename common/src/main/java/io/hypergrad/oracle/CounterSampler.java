package io.hypergrad.oracle;

/**
 * Counter-based minibatch sampling: the rows of iteration t of a chain are a pure function of
 * (seed, chain, t), drawn uniformly with replacement from [0, n). Nothing is stateful, so any iteration
 * can be redrawn on any machine, in any order, and a retried task sees the same rows.
 *
 * <p>The mixing function is SplitMix64's finaliser applied to a Weyl sequence keyed by the counters;
 * indices come from the high half of a 64×64-bit product (bias below n/2⁶³, negligible for any n
 * that fits in an int).
 */
public final class CounterSampler implements java.io.Serializable {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final long seed;
  private final int n;
  private final int batch;

  public CounterSampler(long seed, int n, int batch) {
    if (n <= 0) {
      throw new IllegalArgumentException("cannot sample from " + n + " rows");
    }
    if (batch <= 0) {
      throw new IllegalArgumentException("batch must be positive, got " + batch);
    }
    this.seed = seed;
    this.n = n;
    this.batch = batch;
  }

  public int batch() {
    return batch;
  }

  public int rowCount() {
    return n;
  }

  /** Fills {@code out} (length = batch) with the rows of iteration t of the chain. */
  public void rows(int chain, long t, int[] out) {
    if (out.length != batch) {
      throw new IllegalArgumentException("row buffer has length " + out.length + ", batch is " + batch);
    }
    long key = streamKey(seed, chain, t);
    for (int j = 0; j < batch; j++) {
      out[j] = boundedIndex(mix(key + (j + 1) * GOLDEN), n);
    }
  }

  /** A new row buffer of the right size. */
  public int[] newRowBuffer() {
    return new int[batch];
  }

  /** A 64-bit key for (seed, chain, t); distinct counters give independent-looking keys. */
  public static long streamKey(long seed, long chain, long t) {
    long h = mix(seed + GOLDEN);
    h = mix(h ^ (chain + 1) * 0xBF58476D1CE4E5B9L);
    return mix(h ^ (t + 1) * 0x94D049BB133111EBL);
  }

  /** SplitMix64 finaliser. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** floor(u·n / 2⁶⁴) for the unsigned 64-bit u. */
  static int boundedIndex(long u, int n) {
    return (int) Math.multiplyHigh(u >>> 1, (long) n << 1);
  }
}
