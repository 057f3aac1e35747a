package dev.heed.core.optim;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Gradient clipping between {@code backward()} and {@code optimizer.step()}, as PyTorch's {@code
 * torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}. The gradients are changed in place,
 * on their device, with core operations; parameters without a gradient are skipped. Nothing is
 * downloaded unless the gradients live on different backends (then the per-parameter norms travel
 * to the first one's backend).
 *
 * <pre>{@code
 * loss.backward();
 * Tensor norm = GradientClipping.clipByNorm(GradientClipping.parameters(optimizer), 1.0);
 * optimizer.step();
 * }</pre>
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** Every parameter of the optimizer's groups, in order. */
  public static List<Parameter> parameters(Optimizer optimizer) {
    List<Parameter> out = new ArrayList<>();
    for (ParameterGroup g : optimizer.groups()) {
      out.addAll(g.parameters().values());
    }
    return out;
  }

  /** {@link #clipByNorm(Iterable, double, double)} with the Euclidean norm. */
  public static Tensor clipByNorm(Iterable<Parameter> parameters, double maxNorm) {
    return clipByNorm(parameters, maxNorm, 2.0);
  }

  /**
   * Scales every gradient by {@code min(1, maxNorm / (total + 1e-6))}, where {@code total} is the
   * {@code normType}-norm of all gradients together (as if concatenated into one vector).
   *
   * @param maxNorm the largest norm allowed, > 0
   * @param normType p of the p-norm, > 0, or {@link Double#POSITIVE_INFINITY} for the largest
   *     absolute value
   * @return the total norm before clipping, a rank-0 tensor on the first gradient's backend (in the
   *     caller's scope, if one is open), or null when no parameter has a gradient
   * @throws IllegalArgumentException for a {@code maxNorm} or {@code normType} that is not > 0
   */
  @SuppressWarnings("try")
  public static Tensor clipByNorm(Iterable<Parameter> parameters, double maxNorm, double normType) {
    Objects.requireNonNull(parameters, "clipByNorm: parameters");
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException(
          "clipByNorm: max_norm must be a finite number > 0, got " + maxNorm);
    }
    if (!(normType > 0)) {
      throw new IllegalArgumentException(
          "clipByNorm: norm_type must be > 0 (2 for the Euclidean norm, Infinity for the largest"
              + " absolute value), got "
              + normType);
    }
    List<Tensor> grads = gradients(parameters);
    if (grads.isEmpty()) {
      return null;
    }
    try (GradMode off = GradMode.disable()) {
      Tensor first = grads.get(0);
      List<Tensor> norms = new ArrayList<>();
      for (Tensor g : grads) {
        Tensor n = Shapes.reshape(norm(g, normType), 1);
        norms.add(n.backend() == first.backend() ? n : Tensors.copyTo(n, first.backend()));
      }
      Tensor total = norm(Shapes.concat(0, norms), normType);
      Tensor coefficient =
          Elementwise.clamp(
              Elementwise.div(
                  Tensors.scalar(first.backend(), total.dtype(), maxNorm),
                  Elementwise.affine(total, 1, 1e-6)),
              Double.NEGATIVE_INFINITY,
              1.0);
      for (Tensor g : grads) {
        Tensor c =
            g.backend() == first.backend() ? coefficient : Tensors.copyTo(coefficient, g.backend());
        Tensor typed = c.dtype() == g.dtype() ? c : Shapes.cast(c, g.dtype());
        Elementwise.applyInPlace(BinaryOp.MUL, g, typed);
      }
      return total;
    }
  }

  /**
   * Clamps every gradient element to {@code [-clipValue, clipValue]}.
   *
   * @throws IllegalArgumentException for a {@code clipValue} that is not a finite number >= 0
   */
  @SuppressWarnings("try")
  public static void clipByValue(Iterable<Parameter> parameters, double clipValue) {
    Objects.requireNonNull(parameters, "clipByValue: parameters");
    if (!(clipValue >= 0) || Double.isInfinite(clipValue)) {
      throw new IllegalArgumentException(
          "clipByValue: clip_value must be a finite number >= 0, got " + clipValue);
    }
    try (GradMode off = GradMode.disable()) {
      for (Tensor g : gradients(parameters)) {
        Elementwise.applyInPlace(UnaryOp.CLAMP, -clipValue, clipValue, g);
      }
    }
  }

  private static List<Tensor> gradients(Iterable<Parameter> parameters) {
    List<Tensor> out = new ArrayList<>();
    for (Parameter p : parameters) {
      Objects.requireNonNull(p, "gradient clipping: a parameter is null");
      if (p.grad() != null) {
        out.add(p.grad());
      }
    }
    return out;
  }

  /** The p-norm of all elements of {@code x}, rank 0. */
  private static Tensor norm(Tensor x, double p) {
    Tensor flat = Shapes.reshape(x, (int) x.size());
    Tensor abs = Elementwise.abs(flat);
    if (Double.isInfinite(p)) {
      return Reductions.max(abs, 0, false);
    }
    if (p == 2) {
      return Elementwise.sqrt(Reductions.sum(Elementwise.square(flat)));
    }
    if (p == 1) {
      return Reductions.sum(abs);
    }
    return Elementwise.pow(Reductions.sum(Elementwise.pow(abs, p)), 1 / p);
  }
}
