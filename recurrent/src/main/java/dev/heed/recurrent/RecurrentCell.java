package dev.heed.recurrent;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.PyTorchInit;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One recurrent cell's weights and step, as PyTorch's {@code nn.GRUCell} and {@code nn.LSTMCell}:
 * {@code weight_ih [G·H, in]}, {@code weight_hh [G·H, H]}, {@code bias_ih [G·H]}, {@code bias_hh
 * [G·H]} with G = 3 gates (r, z, n) for a GRU and 4 (i, f, g, o) for an LSTM, each named with a
 * suffix ({@code _l0}, {@code _l1_reverse}, … inside {@code nn.GRU}/{@code nn.LSTM}; none for a
 * cell). Every parameter starts as PyTorch's does: uniform on {@code ±1/√H}.
 *
 * <p>The input projection {@link #project} is separate from {@link #step} so that a layer projects
 * a whole sequence in one product and steps through its rows.
 */
abstract sealed class RecurrentCell implements Module permits GruCell, LstmCell {
  final int inputSize;
  final int hidden;
  private final String suffix;
  private final Parameter weightIh;
  private final Parameter weightHh;
  private final Parameter biasIh;
  private final Parameter biasHh;

  RecurrentCell(
      int gates, int inputSize, int hidden, boolean bias, String suffix, BuildContext ctx) {
    this.inputSize = inputSize;
    this.hidden = hidden;
    this.suffix = suffix;
    // PyTorch: every weight and bias U(-1/sqrt(hidden), 1/sqrt(hidden))
    Fan fan = new Fan(hidden, gates * hidden);
    this.weightIh =
        Parameter.create(ctx, Shape.of(gates * hidden, inputSize), PyTorchInit.linear(), fan);
    this.weightHh =
        Parameter.create(ctx, Shape.of(gates * hidden, hidden), PyTorchInit.linear(), fan);
    this.biasIh =
        bias ? Parameter.create(ctx, Shape.of(gates * hidden), PyTorchInit.linear(), fan) : null;
    this.biasHh =
        bias ? Parameter.create(ctx, Shape.of(gates * hidden), PyTorchInit.linear(), fan) : null;
  }

  /** {@code x·W_ihᵀ + b_ih}: {@code [..., in]} to {@code [..., G·H]}. */
  final Tensor project(Tensor x) {
    return Linalg.linear(x, weightIh.value(), biasIh == null ? null : biasIh.value());
  }

  /** {@code h·W_hhᵀ + b_hh}: {@code [B, H]} to {@code [B, G·H]}. */
  final Tensor recur(Tensor h) {
    return Linalg.linear(h, weightHh.value(), biasHh == null ? null : biasHh.value());
  }

  /**
   * One step.
   *
   * @param projected the projected input {@code [B, G·H]} ({@link #project})
   * @param state the state before the step
   * @return the state after it
   */
  abstract RecurrentState step(Tensor projected, RecurrentState state);

  /** Whether the state has a cell {@code c} (LSTM). */
  abstract boolean hasCell();

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("weight_ih" + suffix, weightIh);
    m.put("weight_hh" + suffix, weightHh);
    if (biasIh != null) {
      m.put("bias_ih" + suffix, biasIh);
      m.put("bias_hh" + suffix, biasHh);
    }
    return m;
  }
}
