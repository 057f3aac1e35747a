package dev.heed.core.backend;

/**
 * Reductions along one axis for {@link Backend#reduce}. {@link #ARGMAX} and {@link #ARGMIN} write
 * {@link DType#INT32} indices (the first index on ties); the others write the input's type. A
 * reduction over an axis of extent 0 gives 0 for {@link #SUM}, {@code -∞} for {@link #MAX}, {@code
 * +∞} for {@link #MIN} and is an error for the arg-reductions.
 */
public enum ReduceOp {
  /** Sum of the elements. */
  SUM,
  /** Largest element; NaN if any element is NaN. */
  MAX,
  /** Smallest element; NaN if any element is NaN. */
  MIN,
  /** Index of the largest element. */
  ARGMAX,
  /** Index of the smallest element. */
  ARGMIN;

  /** Whether the result holds indices rather than values. */
  public boolean producesIndices() {
    return this == ARGMAX || this == ARGMIN;
  }
}
