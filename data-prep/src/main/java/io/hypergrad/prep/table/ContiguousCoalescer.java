package io.hypergrad.prep.table;

import java.io.Serializable;
import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;

/**
 * Merges consecutive parent partitions into groups with about equal row counts, in order, so that
 * group k holds the rows numbered after group k − 1's: contiguous row ranges without a shuffle.
 * (Spark's default coalescer groups by locality and need not keep the order.)
 */
final class ContiguousCoalescer implements PartitionCoalescer, Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] rows;

  /** @param rows each parent partition's row count */
  ContiguousCoalescer(long[] rows) {
    this.rows = rows.clone();
  }

  /** The first parent of each of {@code groups} groups (and the parent count at the end). */
  static int[] boundaries(long[] rows, int groups) {
    int m = rows.length;
    long total = 0;
    for (long r : rows) {
      total += r;
    }
    int[] from = new int[groups + 1];
    from[groups] = m;
    long seen = 0;
    int parent = 0;
    for (int g = 1; g < groups; g++) {
      long target = total * g / groups;
      // at least one parent per group, and enough left for the groups after this one
      while (parent < m - (groups - g) && (parent < from[g - 1] + 1 || seen + rows[parent] <= target)) {
        seen += rows[parent];
        parent++;
      }
      from[g] = parent;
    }
    return from;
  }

  @Override
  public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
    Partition[] parts = parent.partitions();
    int groups = Math.min(maxPartitions, parts.length);
    int[] from = boundaries(rows, groups);
    PartitionGroup[] out = new PartitionGroup[groups];
    for (int g = 0; g < groups; g++) {
      out[g] = new PartitionGroup(Option.empty());
      for (int k = from[g]; k < from[g + 1]; k++) {
        out[g].partitions().addOne(parts[k]);
      }
    }
    return out;
  }
}
