package io.hypergrad.plan;

import io.hypergrad.model.GlmLinearSystem;
import io.hypergrad.oracle.StochasticLinearSystem;
import io.hypergrad.rows.SampledRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lets the chains of the {@code distributed} plan ride one pass together: each chain (a thread)
 * hands in its sampled product A_t·V and waits; once every running chain has handed one in (chains
 * say when they start and end), or {@code maxWaitMillis} after it arrived as a safety net, all
 * pending requests go through the partitions in one
 * Spark job (one read of the sampled rows' partitions for R chains instead of R jobs). Which
 * requests share a pass depends on timing; the results do not, since every request is summed on
 * its own, in partition order.
 */
public final class PassCoalescer implements StochasticLinearSystem {
  private final GlmLinearSystem system;
  private int active;
  private final long maxWaitMillis;
  private final List<Pending> pending = new ArrayList<>();
  private long passes;
  private long requests;

  private static final class Pending {
    final SampledRequest request;
    double[] result;
    RuntimeException failure;

    Pending(SampledRequest request) {
      this.request = request;
    }
  }

  public PassCoalescer(GlmLinearSystem system, long maxWaitMillis) {
    this.system = system;
    this.maxWaitMillis = maxWaitMillis;
  }

  /** A chain starts handing in requests. */
  public synchronized void chainStarted() {
    active++;
  }

  /** A chain is done (or failed): the others no longer wait for it. */
  public synchronized void chainEnded() {
    active--;
    if (!pending.isEmpty() && pending.size() >= active) {
      flush();
    }
  }

  @Override
  public void applySampledA(int[] rows, double[] vectors, int k, double[] out) {
    Pending me = new Pending(new SampledRequest(rows.clone(), Arrays.copyOf(vectors, system.p() * k), k));
    synchronized (this) {
      pending.add(me);
      if (pending.size() >= Math.max(1, active)) {
        flush();
      } else {
        long deadline = System.currentTimeMillis() + maxWaitMillis;
        try {
          while (me.result == null && me.failure == null) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
              if (pending.contains(me)) {
                flush();
              }
              if (me.result == null && me.failure == null) {
                wait();
              }
            } else {
              wait(left);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          pending.remove(me);
          throw new IllegalStateException("interrupted while waiting for a pass", e);
        }
      }
    }
    if (me.failure != null) {
      throw me.failure;
    }
    System.arraycopy(me.result, 0, out, 0, me.result.length);
  }

  /** Runs every pending request in one pass; called holding the lock. */
  private void flush() {
    List<Pending> batch = new ArrayList<>(pending);
    pending.clear();
    try {
      List<double[]> results = system.sampledProducts(batch.stream().map(p -> p.request).toList());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result = results.get(i);
      }
    } catch (RuntimeException e) {
      for (Pending p : batch) {
        p.failure = e;
      }
    }
    passes++;
    requests += batch.size();
    notifyAll();
  }

  /** Mean requests per pass so far. */
  public synchronized double requestsPerPass() {
    return passes == 0 ? 0 : (double) requests / passes;
  }

  @Override
  public int p() {
    return system.p();
  }

  @Override
  public int q() {
    return system.q();
  }

  @Override
  public int rowCount() {
    return system.rowCount();
  }

  @Override
  public double[] c() {
    return system.c();
  }

  @Override
  public double[] d() {
    return system.d();
  }

  @Override
  public void applyB(double[] z, double[] out) {
    system.applyB(z, out);
  }

  @Override
  public void applyA(double[] v, double[] out) {
    system.applyA(v, out);
  }

  @Override
  public double[] denseA() {
    return system.denseA();
  }
}
