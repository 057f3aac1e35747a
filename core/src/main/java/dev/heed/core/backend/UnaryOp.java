package dev.heed.core.backend;

/**
 * Elementwise functions of one argument, {@code y = f(x; a, b)}, for {@link Backend#unary}.
 *
 * <p>{@link #apply(double, double, double)} is the normative definition in float64; a backend
 * computing in float32 must agree with it to within float32 rounding of the result (the tolerances
 * are in the testkit's {@code BackendContract}). The parameters {@code a} and {@code b} are ignored
 * by operations that do not name them.
 */
public enum UnaryOp {
  /** {@code -x} */
  NEG,
  /** {@code |x|} */
  ABS,
  /** {@code -1, 0 or 1} by the sign of x ({@code 0} for ±0, NaN stays NaN). */
  SIGN,
  /** {@code e^x} */
  EXP,
  /** {@code e^x - 1}, accurate near 0. */
  EXPM1,
  /** natural logarithm */
  LOG,
  /** {@code ln(1 + x)}, accurate near 0. */
  LOG1P,
  /** square root */
  SQRT,
  /** {@code 1 / x} */
  RECIPROCAL,
  /** {@code x²} */
  SQUARE,
  /** sine (radians) */
  SIN,
  /** cosine (radians) */
  COS,
  /** hyperbolic tangent */
  TANH,
  /** logistic function {@code 1 / (1 + e^-x)}, without overflow for large |x|. */
  SIGMOID,
  /** {@code max(x, 0)}; NaN stays NaN. */
  RELU,
  /** Gauss error function. */
  ERF,
  /** {@code a·x + b} */
  AFFINE,
  /** {@code x^a} */
  POW,
  /** {@code min(max(x, a), b)}; NaN stays NaN. */
  CLAMP,
  /** {@code 1} where {@code x > a}, else {@code 0} (NaN gives 0). */
  STEP;

  /** The reference value of this operation, in float64. */
  public double apply(double x, double a, double b) {
    return switch (this) {
      case NEG -> -x;
      case ABS -> Math.abs(x);
      case SIGN -> Math.signum(x);
      case EXP -> Math.exp(x);
      case EXPM1 -> Math.expm1(x);
      case LOG -> Math.log(x);
      case LOG1P -> Math.log1p(x);
      case SQRT -> Math.sqrt(x);
      case RECIPROCAL -> 1.0 / x;
      case SQUARE -> x * x;
      case SIN -> Math.sin(x);
      case COS -> Math.cos(x);
      case TANH -> Math.tanh(x);
      case SIGMOID -> x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
      case RELU -> x > 0 ? x : (x == x ? 0.0 : x);
      case ERF -> erf(x);
      case AFFINE -> a * x + b;
      case POW -> Math.pow(x, a);
      case CLAMP -> x != x ? x : Math.min(Math.max(x, a), b);
      case STEP -> x > a ? 1.0 : 0.0;
    };
  }

  /**
   * The error function to within about 1e-15 absolute: Taylor series for |x| < 2.5 and the
   * continued fraction of erfc beyond (Abramowitz and Stegun 7.1.5 and 7.1.14).
   */
  public static double erf(double x) {
    if (x != x) {
      return x;
    }
    double ax = Math.abs(x);
    if (ax >= 6.0) {
      return Math.copySign(1.0, x);
    }
    if (ax < 2.5) {
      // erf(x) = 2/sqrt(pi) * sum_{n} (-1)^n x^(2n+1) / (n! (2n+1))
      double term = ax;
      double sum = ax;
      double x2 = ax * ax;
      for (int n = 1; n < 100; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      return Math.copySign(sum * 1.1283791670955126, x);
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + ...)))))
    double f = ax;
    for (int n = 60; n >= 1; n--) {
      f = ax + (n / 2.0) / f;
    }
    double erfc = Math.exp(-ax * ax) / (f * 1.7724538509055159);
    return Math.copySign(1.0 - erfc, x);
  }
}
