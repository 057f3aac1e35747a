package dev.heed.pretrained.blocks;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.Kernels;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Helpers for the blocks: zero-filled parameters (a checkpoint fills them), the storage type of
 * layer matrices, and name nesting.
 */
public final class Weights {
  private Weights() {}

  /** The storage type of the matrices of the layers being built, where one is asked for. */
  private static final ScopedValue<DType> MATRICES = ScopedValue.newInstance();

  /**
   * Builds with the weight matrices of {@link Linear} and {@link Conv1D} layers held in {@code
   * matrices}: {@code BFLOAT16} or {@code FLOAT16} keep them in 16 bits (half the memory and half
   * the bytes a generated token streams; arithmetic stays FLOAT32, as matmul widens the weights it
   * reads; such a matrix is frozen: it gets no gradient), {@code FLOAT32} (or the context's type)
   * changes nothing. Embedding tables, norms and biases keep the context's type. Applies only where
   * the context's type is FLOAT32.
   */
  public static <T> T withMatrices(DType matrices, Supplier<T> build) {
    if (matrices != DType.FLOAT32 && !matrices.isStorageOnly()) {
      throw new IllegalArgumentException(
          "layer matrices are held in FLOAT32, BFLOAT16 or FLOAT16, not " + matrices);
    }
    return ScopedValue.where(MATRICES, matrices).call(build::get);
  }

  /**
   * A zero-filled weight matrix {@code [rows, cols]} of a layer: of the context's type, or of the
   * storage type that {@link #withMatrices} asks for when the context's type is FLOAT32.
   */
  public static Parameter matrix(BuildContext ctx, int rows, int cols) {
    DType t = ctx.dtype() == DType.FLOAT32 ? MATRICES.orElse(ctx.dtype()) : ctx.dtype();
    return new Parameter(
        Scope.outside(() -> Tensors.zeros(ctx.backend(), Shape.of(rows, cols), t)));
  }

  /**
   * Copies {@code source}'s values into the parameter tensor {@code target} of the same shape,
   * converting the type: a 16-bit storage target gets the values rounded to nearest even on the
   * host (exact when they came from that type).
   */
  public static void assign(Tensor target, Tensor source) {
    if (target.dtype().isStorageOnly()) {
      float[] v = source.toFloatArray();
      short[] h = new short[v.length];
      for (int i = 0; i < v.length; i++) {
        h[i] = target.dtype().narrow(v[i]);
      }
      Kernels.upload(
          target.backend(),
          MemorySegment.ofArray(h),
          target.buffer(),
          target.layout().offset(),
          h.length);
    } else if (source.dtype() == target.dtype()) {
      Elementwise.assign(target, source);
    } else {
      try (Tensor converted = source.to(target.dtype())) {
        Elementwise.assign(target, converted);
      }
    }
  }

  /** A zero-filled parameter of {@code shape} on the context's backend and type. */
  public static Parameter zeros(BuildContext ctx, int... shape) {
    return new Parameter(
        Scope.outside(() -> Tensors.zeros(ctx.backend(), Shape.of(shape), ctx.dtype())));
  }

  /** A parameter of ones (the identity scale of a norm). */
  public static Parameter ones(BuildContext ctx, int... shape) {
    return new Parameter(
        Scope.outside(() -> Tensors.ones(ctx.backend(), Shape.of(shape), ctx.dtype())));
  }

  /** Adds {@code module}'s parameters to {@code out} as {@code prefix.name}. */
  public static void nest(String prefix, Module module, Map<String, Parameter> out) {
    module.namedParameters().forEach((k, p) -> out.put(prefix + "." + k, p));
  }
}
