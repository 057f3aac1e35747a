package dev.heed.core.backend;

/**
 * Elementwise functions of one argument, {@code y = f(x; a, b)}, for {@link Backend#unary}.
 *
 * <p>{@link #apply(double, double, double)} is the normative definition in float64 and {@link
 * #applyFloat32(float, double, double)} in float32; a backend computing in float32 must agree with
 * the latter to within float32 rounding of the result (the tolerances are in the testkit's {@code
 * BackendContract}), and exactly where it compares: a parameter that is compared with {@code x}
 * (STEP's threshold, CLAMP's bounds) is first rounded to the element type, so a FLOAT32 kernel
 * compares float with float, in its vector lanes and its scalar tail alike, as PyTorch compares in
 * the tensor's dtype. The parameters {@code a} and {@code b} are ignored by operations that do not
 * name them.
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
  /**
   * {@code min(max(x, a), b)}; NaN stays NaN. In FLOAT32 the bounds are rounded to float first
   * (which gives the same value as clamping in float64 and rounding the result, since rounding is
   * monotone).
   */
  CLAMP,
  /**
   * {@code 1} where {@code x > a}, else {@code 0} (NaN gives 0). The comparison is in the element
   * type: for FLOAT32 the threshold {@code a} is first rounded to float (to nearest; beyond the
   * float range to ±∞) and the float {@code x} is compared with that float, so {@code 0.1f > 0.1}
   * is false in FLOAT32, as {@code torch.tensor(0.1) > 0.1} is for a float32 tensor, while in
   * FLOAT64 {@code (double) 0.1f > 0.1} is true.
   */
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
   * The reference value of this operation for a FLOAT32 element: STEP compares {@code x} with
   * {@code (float) a} and CLAMP clamps to {@code [(float) a, (float) b]}; every other operation is
   * {@link #apply} in float64, rounded once to float.
   */
  public float applyFloat32(float x, double a, double b) {
    return switch (this) {
      case STEP -> x > (float) a ? 1f : 0f;
      case CLAMP -> (float) apply(x, (float) a, (float) b);
      default -> (float) apply(x, a, b);
    };
  }

  /**
   * The error function to within about 1e-15 absolute: Taylor series for |x| &lt; 2.5 and the
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
