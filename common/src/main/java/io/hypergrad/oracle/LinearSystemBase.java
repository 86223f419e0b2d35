package io.hypergrad.oracle;

/**
 * What every {@link StochasticLinearSystem} holds the same way: c, d and the number of rows a
 * minibatch is drawn from (p and q are their lengths). A system adds its products.
 */
public abstract class LinearSystemBase implements StochasticLinearSystem, java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] c;
  private final double[] d;
  private final int rowCount;

  protected LinearSystemBase(double[] c, double[] d, int rowCount) {
    this.c = c;
    this.d = d;
    this.rowCount = rowCount;
  }

  @Override
  public final int p() {
    return c.length;
  }

  @Override
  public final int q() {
    return d.length;
  }

  @Override
  public final int rowCount() {
    return rowCount;
  }

  @Override
  public final double[] c() {
    return c;
  }

  @Override
  public final double[] d() {
    return d;
  }
}
