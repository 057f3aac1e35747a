package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Moving parameter values and tensors between modules, backends and types. */
final class Modules {
  private Modules() {}

  /**
   * Copies every parameter value of {@code from} into the parameter of the same name of {@code to},
   * across backends and types, so that two instances compute with the same numbers.
   */
  @SuppressWarnings("try")
  static void copyParameters(Module from, Module to) {
    Map<String, Parameter> src = from.namedParameters();
    Map<String, Parameter> dst = to.namedParameters();
    assertEquals(
        src.keySet(),
        dst.keySet(),
        "two instances built with the same options must have the same parameter names");
    try (Scope scope = Scope.open();
        GradMode off = GradMode.disable()) {
      for (var e : src.entrySet()) {
        Tensor s = e.getValue().value();
        Tensor d = dst.get(e.getKey()).value();
        assertEquals(s.shape(), d.shape(), "shape of parameter '" + e.getKey() + "'");
        Elementwise.assign(d, transfer(s, d.backend(), d.dtype()));
      }
    }
  }

  /** A copy of {@code t}'s values on {@code backend} as {@code dtype}, without tape history. */
  static Tensor transfer(Tensor t, Backend backend, DType dtype) {
    if (dtype == DType.INT32) {
      return Tensors.indices(backend, t.toIntArray(), t.shape().dims());
    }
    return Tensors.of(backend, dtype, t.toDoubleArray(), t.shape().dims());
  }

  /** Parameters by label for the gradient checker: {@code parameter 'name'}. */
  static Map<String, Tensor> leaves(Module m) {
    Map<String, Tensor> leaves = new LinkedHashMap<>();
    m.namedParameters().forEach((name, p) -> leaves.put("parameter '" + name + "'", p.value()));
    return leaves;
  }

  /** The gradients of every parameter (zeros where none), in name order, as host arrays. */
  static List<double[]> gradients(Module m) {
    List<double[]> grads = new ArrayList<>();
    for (Parameter p : m.namedParameters().values()) {
      Tensor g = p.grad();
      grads.add(g == null ? new double[(int) p.value().size()] : g.toDoubleArray());
    }
    return grads;
  }

  /** Drops the gradients of every parameter. */
  static void zeroGrad(Module m) {
    for (Parameter p : m.namedParameters().values()) {
      p.zeroGrad();
    }
  }
}
