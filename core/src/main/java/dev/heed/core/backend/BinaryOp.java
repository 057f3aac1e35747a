package dev.heed.core.backend;

/**
 * Elementwise functions of two arguments for {@link Backend#binary}. Comparisons produce {@code 1}
 * for true and {@code 0} for false in the floating-point type of the operands. {@link
 * #apply(double, double)} is the normative definition in float64.
 */
public enum BinaryOp {
  /** {@code a + b} */
  ADD,
  /** {@code a - b} */
  SUB,
  /** {@code a · b} */
  MUL,
  /** {@code a / b} */
  DIV,
  /** {@code a^b} */
  POW,
  /** larger of the two; NaN if either is NaN */
  MAX,
  /** smaller of the two; NaN if either is NaN */
  MIN,
  /** {@code a > b} */
  GT,
  /** {@code a >= b} */
  GE,
  /** {@code a < b} */
  LT,
  /** {@code a <= b} */
  LE,
  /** {@code a == b} */
  EQ,
  /** {@code a != b} */
  NE;

  /** The reference value of this operation, in float64. */
  public double apply(double a, double b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case POW -> Math.pow(a, b);
      case MAX -> Math.max(a, b);
      case MIN -> Math.min(a, b);
      case GT -> a > b ? 1 : 0;
      case GE -> a >= b ? 1 : 0;
      case LT -> a < b ? 1 : 0;
      case LE -> a <= b ? 1 : 0;
      case EQ -> a == b ? 1 : 0;
      case NE -> a != b ? 1 : 0;
    };
  }

  /** Whether the result is a 0/1 comparison (and so has no gradient). */
  public boolean isComparison() {
    return ordinal() >= GT.ordinal();
  }
}
