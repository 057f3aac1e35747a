package dev.heed.recurrent;

import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionWeightsSource;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.MemoryLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.PyTorchInit;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recurrent decoder that attends over an encoder's states at every step, in one of the two
 * classic forms (teacher-forced: the target holds the embedded previous tokens).
 *
 * <pre>
 * bahdanau (Bahdanau, Cho and Bengio 2015):
 *   c_t = attend(query = s_{t-1}, keys = values = memory);  s_t = cell([y_t; c_t], s_{t-1})
 *   out_t = [s_t; c_t]                                       (H + M features)
 * luong (Luong, Pham and Manning 2015, without input feeding):
 *   s_t = cell(y_t, s_{t-1});  c_t = attend(query = s_t, memory);  out_t = tanh(W_c [c_t; s_t])
 *                                                            (H features)
 * </pre>
 *
 * <p>The attention unit is any attention plugin that takes one query per example (additive, dot,
 * dot with {@code general}, scaled-dot, multi-head …), built for queries of {@code H} and keys and
 * values of {@code M} features; the memory padding mask reaches it. The first state is zeros, or
 * with {@code memory-mean} {@code tanh(W_b · mean of the unpadded memory + b_b)}. Parameters:
 * {@code cell.weight_ih}, {@code cell.weight_hh}, {@code cell.bias_ih}, {@code cell.bias_hh}
 * (PyTorch's {@code nn.GRUCell}/{@code nn.LSTMCell} names), {@code attention.<unit's names>},
 * {@code bridge.weight}, {@code bridge.bias} (memory-mean) and {@code combine.weight} (luong).
 */
final class AttentionDecoder implements MemoryLayer, AttentionWeightsSource {
  private final int features;
  private final int memoryFeatures;
  private final int hidden;
  private final boolean luong;
  private final RecurrentCell cell;
  private final AttentionUnit unit;
  private final Parameter bridgeWeight;
  private final Parameter bridgeBias;
  private final Parameter combine;
  private Tensor lastWeights;

  AttentionDecoder(
      int features,
      int memoryFeatures,
      int hidden,
      boolean lstm,
      boolean luong,
      boolean bridge,
      AttentionUnit unit,
      BuildContext ctx) {
    this.features = features;
    this.memoryFeatures = memoryFeatures;
    this.hidden = hidden;
    this.luong = luong;
    int in = luong ? features : features + memoryFeatures;
    this.cell =
        lstm ? new LstmCell(in, hidden, true, "", ctx) : new GruCell(in, hidden, true, "", ctx);
    this.unit = unit;
    if (bridge) {
      Fan fan = Fan.dense(memoryFeatures, hidden);
      bridgeWeight =
          Parameter.create(ctx, Shape.of(hidden, memoryFeatures), PyTorchInit.linear(), fan);
      bridgeBias = Parameter.create(ctx, Shape.of(hidden), PyTorchInit.linear(), fan);
    } else {
      bridgeWeight = null;
      bridgeBias = null;
    }
    this.combine =
        luong
            ? Parameter.create(
                ctx,
                Shape.of(hidden, memoryFeatures + hidden),
                PyTorchInit.linear(),
                Fan.dense(memoryFeatures + hidden, hidden))
            : null;
  }

  /** The output features: {@code H + M} (bahdanau) or {@code H} (luong). */
  int outputFeatures() {
    return luong ? hidden : hidden + memoryFeatures;
  }

  @Override
  public int memoryFeatures() {
    return memoryFeatures;
  }

  @Override
  public Tensor forward(
      Tensor target, Tensor memory, Tensor targetMask, Tensor memoryMask, ForwardContext ctx) {
    if (target.rank() != 3 || target.dim(2) != features) {
      throw new IllegalArgumentException(
          "attention decoder: expected the target [batch, time, "
              + features
              + "], got "
              + target.shape());
    }
    if (memory == null
        || memory.rank() != 3
        || memory.dim(0) != target.dim(0)
        || memory.dim(2) != memoryFeatures) {
      throw new IllegalArgumentException(
          "attention decoder: expected the memory [batch "
              + target.dim(0)
              + ", time, memory features "
              + memoryFeatures
              + "], got "
              + (memory == null ? "none" : memory.shape().toString()));
    }
    int batch = target.dim(0);
    int time = target.dim(1);
    RecurrentState s = initial(memory, memoryMask, batch);
    // the target's own padding needs no mask: a step reads only earlier steps, and what padded
    // steps give is ignored by the loss
    Tensor projected = luong ? cell.project(target) : null;
    List<Tensor> outputs = new ArrayList<>();
    List<Tensor> weights = new ArrayList<>();
    for (int t = 0; t < time; t++) {
      Tensor y = Shapes.select(target, 1, t);
      Tensor out;
      if (luong) {
        s = cell.step(Shapes.select(projected, 1, t), s);
        AttentionResult a = unit.attend(s.h(), memory, memory, memoryMask, ctx);
        weights.add(a.weights());
        out =
            Linalg.linear(Shapes.concat(1, List.of(a.output(), s.h())), combine.value(), null)
                .tanh();
      } else {
        AttentionResult a = unit.attend(s.h(), memory, memory, memoryMask, ctx);
        weights.add(a.weights());
        s = cell.step(cell.project(Shapes.concat(1, List.of(y, a.output()))), s);
        out = Shapes.concat(1, List.of(s.h(), a.output()));
      }
      outputs.add(Shapes.unsqueeze(out, 1));
    }
    List<Tensor> w = new ArrayList<>();
    for (Tensor t : weights) {
      w.add(Shapes.unsqueeze(t, 1));
    }
    lastWeights = Shapes.concat(1, w);
    return Shapes.concat(1, outputs);
  }

  private RecurrentState initial(Tensor memory, Tensor memoryMask, int batch) {
    Tensor zeros = Tensors.zeros(memory.backend(), Shape.of(batch, hidden), memory.dtype());
    Tensor h = zeros;
    if (bridgeWeight != null) {
      Tensor mean;
      if (memoryMask == null) {
        mean = Reductions.mean(memory, 1, false);
      } else {
        // keep [B, S, 1]: 1 where the mask is 0
        Tensor m = memoryMask.rank() == 3 ? Shapes.select(memoryMask, 1, 0) : memoryMask;
        Tensor keep =
            Elementwise.equal(m, Tensors.scalar(m.backend(), m.dtype(), 0)).to(memory.dtype());
        Tensor k = Shapes.unsqueeze(keep, 2);
        mean = Reductions.sum(memory.mul(k), 1, false).div(Reductions.sum(k, 1, false));
      }
      h = Linalg.linear(mean, bridgeWeight.value(), bridgeBias.value()).tanh();
    }
    return new RecurrentState(h, cell.hasCell() ? zeros : null);
  }

  /**
   * The attention weights {@code [B, T, S]} of the last call: which memory positions each step
   * read.
   */
  @Override
  public Tensor lastAttentionWeights() {
    return lastWeights;
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    cell.namedParameters().forEach((k, p) -> m.put("cell." + k, p));
    unit.namedParameters().forEach((k, p) -> m.put("attention." + k, p));
    if (bridgeWeight != null) {
      m.put("bridge.weight", bridgeWeight);
      m.put("bridge.bias", bridgeBias);
    }
    if (combine != null) {
      m.put("combine.weight", combine);
    }
    return m;
  }
}
