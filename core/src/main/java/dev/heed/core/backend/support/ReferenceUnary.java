package dev.heed.core.backend.support;

import dev.heed.core.backend.UnaryOp;

/**
 * {@code unary}: {@code y[i] = op(x[i]; a, b)} over contiguous elements. The value is {@link
 * UnaryOp#apply} for FLOAT64 and {@link UnaryOp#applyFloat32} for FLOAT32 (float64 rounded once to
 * float, with STEP's threshold and CLAMP's bounds rounded to float before they are compared); a few
 * hot operations are written out so the loop needs no dispatch per element, with identical results.
 */
public final class ReferenceUnary {
  private ReferenceUnary() {}

  /** {@code y[i] = op(x[i]; a, b)} for {@code i < count}, in float. */
  public static void apply(UnaryOp op, double a, double b, float[] x, float[] y, int count) {
    switch (op) {
      case NEG -> {
        for (int i = 0; i < count; i++) {
          y[i] = -x[i];
        }
      }
      case SQUARE -> { // a float product is the rounded exact product, as in float64 then rounded
        for (int i = 0; i < count; i++) {
          y[i] = x[i] * x[i];
        }
      }
      case EXP -> {
        for (int i = 0; i < count; i++) {
          y[i] = (float) Math.exp(x[i]);
        }
      }
      case TANH -> {
        for (int i = 0; i < count; i++) {
          y[i] = (float) Math.tanh(x[i]);
        }
      }
      case AFFINE -> {
        for (int i = 0; i < count; i++) {
          y[i] = (float) (a * x[i] + b);
        }
      }
      case STEP -> { // compared in float: the threshold is rounded first
        float t = (float) a;
        for (int i = 0; i < count; i++) {
          y[i] = x[i] > t ? 1f : 0f;
        }
      }
      default -> {
        for (int i = 0; i < count; i++) {
          y[i] = op.applyFloat32(x[i], a, b);
        }
      }
    }
  }

  /** {@code y[i] = op(x[i]; a, b)} for {@code i < count}, in double. */
  public static void apply(UnaryOp op, double a, double b, double[] x, double[] y, int count) {
    switch (op) {
      case NEG -> {
        for (int i = 0; i < count; i++) {
          y[i] = -x[i];
        }
      }
      case SQUARE -> {
        for (int i = 0; i < count; i++) {
          y[i] = x[i] * x[i];
        }
      }
      case EXP -> {
        for (int i = 0; i < count; i++) {
          y[i] = Math.exp(x[i]);
        }
      }
      case TANH -> {
        for (int i = 0; i < count; i++) {
          y[i] = Math.tanh(x[i]);
        }
      }
      case AFFINE -> {
        for (int i = 0; i < count; i++) {
          y[i] = a * x[i] + b;
        }
      }
      default -> {
        for (int i = 0; i < count; i++) {
          y[i] = op.apply(x[i], a, b);
        }
      }
    }
  }
}
