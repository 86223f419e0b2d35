package io.hypergrad.prep.table;

import org.apache.spark.Partitioner;

/**
 * Sends row number i (0 … n−1) to the partition k whose range [⌊n·k/P⌋, ⌊n·(k+1)/P⌋) holds it:
 * contiguous ranges whose sizes differ by at most one, as {@link PartitionedRows} expects.
 */
public final class ContiguousPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;

  private final int partitions;
  private final long n;

  public ContiguousPartitioner(int partitions, long n) {
    this.partitions = partitions;
    this.n = n;
  }

  public static long from(int k, int partitions, long n) {
    return n * k / partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    long i = (Long) key;
    int k = (int) Math.min(partitions - 1, i * partitions / Math.max(n, 1));
    while (k + 1 < partitions && from(k + 1, partitions, n) <= i) {
      k++;
    }
    while (k > 0 && from(k, partitions, n) > i) {
      k--;
    }
    return k;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ContiguousPartitioner c && c.partitions == partitions && c.n == n;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(n) * 31 + partitions;
  }
}
