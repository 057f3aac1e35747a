package dev.heed.pretrained.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensors;
import java.util.Map;

/** Helpers for the blocks: zero-filled parameters (a checkpoint fills them) and name nesting. */
public final class Weights {
  private Weights() {}

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
