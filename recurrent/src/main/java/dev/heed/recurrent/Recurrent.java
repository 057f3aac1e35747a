package dev.heed.recurrent;

import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-layer, optionally bidirectional GRU or LSTM as PyTorch's {@code nn.GRU(input_size,
 * hidden_size, num_layers, bias, batch_first, dropout, bidirectional)} and {@code nn.LSTM(…)}
 * (without {@code proj_size}). Parameters {@code weight_ih_l<k>}, {@code weight_hh_l<k>}, {@code
 * bias_ih_l<k>}, {@code bias_hh_l<k>}, and the same with {@code _reverse} for the backward
 * direction.
 *
 * <p>Variable lengths: a keep mask {@code [B, T]} (1 at real steps, a prefix of each row) gives the
 * results of PyTorch's {@code pack_padded_sequence} → layer → {@code pad_packed_sequence}: a
 * sequence's state stops changing after its last step (so {@code h_n} is its state there), the
 * backward direction starts at its own last step, and the output is zero at padded steps. As a
 * {@link MaskedLayer} it takes the additive padding mask {@code [B, 1, T]} that configs give
 * sequence layers and reads the kept steps from it.
 */
final class Recurrent implements MaskedLayer {
  private final boolean lstm;
  private final int inputSize;
  private final int hidden;
  private final int layers;
  private final int directions;
  private final boolean batchFirst;
  private final double dropout;
  private final List<RecurrentCell> cells;

  /**
   * A layer with the given sizes; {@code dropout} applies to the outputs of every layer but the
   * last, in training.
   */
  Recurrent(
      boolean lstm,
      int inputSize,
      int hidden,
      int layers,
      boolean bias,
      boolean batchFirst,
      double dropout,
      boolean bidirectional,
      BuildContext ctx) {
    this.lstm = lstm;
    this.inputSize = inputSize;
    this.hidden = hidden;
    this.layers = layers;
    this.directions = bidirectional ? 2 : 1;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    List<RecurrentCell> c = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      int in = l == 0 ? inputSize : hidden * directions;
      for (int d = 0; d < directions; d++) {
        String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
        c.add(
            lstm
                ? new LstmCell(in, hidden, bias, suffix, ctx)
                : new GruCell(in, hidden, bias, suffix, ctx));
      }
    }
    this.cells = List.copyOf(c);
  }

  /** The output features: {@code directions · hidden_size}. */
  int outputFeatures() {
    return hidden * directions;
  }

  @Override
  public Tensor forward(Tensor input, Tensor mask, ForwardContext ctx) {
    return run(input, mask == null ? null : keepFromMask(mask, input), null, null, ctx).output();
  }

  /**
   * Runs the layer.
   *
   * @param input {@code [B, T, input_size]} ({@code [T, B, input_size]} when not batch-first)
   * @param keep null (every step counts), or {@code [B, T]} with 1 at each sequence's steps and 0
   *     at its padding (see {@link #keep(Tensor, int[], int)})
   * @param h0 null (zeros) or {@code [layers·directions, B, H]}
   * @param c0 null (zeros) or {@code [layers·directions, B, H]} (LSTM only)
   */
  RecurrentResult run(Tensor input, Tensor keep, Tensor h0, Tensor c0, ForwardContext ctx) {
    String name = lstm ? "lstm" : "gru";
    if (input.rank() != 3 || input.dim(2) != inputSize) {
      throw new IllegalArgumentException(
          name
              + ": expected input "
              + (batchFirst ? "[batch, time, " : "[time, batch, ")
              + inputSize
              + "], got "
              + input.shape());
    }
    Tensor x = batchFirst ? input : Shapes.transpose(input, 0, 1);
    int batch = x.dim(0);
    int time = x.dim(1);
    if (keep != null && !keep.shape().equals(Shape.of(batch, time))) {
      throw new IllegalArgumentException(
          name
              + ": the kept steps must be [batch, time] = ["
              + batch
              + ", "
              + time
              + "], got "
              + keep.shape());
    }
    checkState(name + " h0", h0, batch);
    if (c0 != null && !lstm) {
      throw new IllegalArgumentException("gru: a GRU has no cell state; c0 must be null");
    }
    checkState(name + " c0", c0, batch);
    List<Tensor> keeps = new ArrayList<>();
    if (keep != null) {
      for (int t = 0; t < time; t++) {
        keeps.add(Shapes.unsqueeze(Shapes.select(keep, 1, t), 1));
      }
    }
    List<Tensor> finalH = new ArrayList<>();
    List<Tensor> finalC = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      List<Tensor> outputs = new ArrayList<>();
      for (int d = 0; d < directions; d++) {
        int index = l * directions + d;
        RecurrentCell cell = cells.get(index);
        Tensor projected = cell.project(x);
        Tensor zeros = Tensors.zeros(x.backend(), Shape.of(batch, hidden), x.dtype());
        RecurrentState s =
            new RecurrentState(
                h0 == null ? zeros : Shapes.select(h0, 0, index),
                !lstm ? null : c0 == null ? zeros : Shapes.select(c0, 0, index));
        Tensor[] steps = new Tensor[time];
        for (int i = 0; i < time; i++) {
          int t = d == 0 ? i : time - 1 - i;
          RecurrentState next = cell.step(Shapes.select(projected, 1, t), s);
          if (keep == null) {
            s = next;
            steps[t] = next.h();
          } else {
            s = next.keep(keeps.get(t), s);
            steps[t] = next.h().mul(keeps.get(t));
          }
        }
        finalH.add(s.h());
        if (lstm) {
          finalC.add(s.c());
        }
        List<Tensor> columns = new ArrayList<>();
        for (Tensor step : steps) {
          columns.add(Shapes.unsqueeze(step, 1));
        }
        outputs.add(Shapes.concat(1, columns));
      }
      x = directions == 1 ? outputs.getFirst() : Shapes.concat(2, outputs);
      if (l < layers - 1 && dropout > 0 && ctx.training()) {
        x = NeuralOps.dropout(x, dropout, true, ctx.nextSeed());
      }
    }
    Tensor out = batchFirst ? x : Shapes.transpose(x, 0, 1);
    return new RecurrentResult(out, stack(finalH), lstm ? stack(finalC) : null);
  }

  private void checkState(String what, Tensor state, int batch) {
    Shape expected = Shape.of(layers * directions, batch, hidden);
    if (state != null && !state.shape().equals(expected)) {
      throw new IllegalArgumentException(
          what
              + ": expected [layers·directions, batch, hidden] = "
              + expected
              + ", got "
              + state.shape());
    }
  }

  private static Tensor stack(List<Tensor> states) {
    List<Tensor> rows = new ArrayList<>();
    for (Tensor s : states) {
      rows.add(Shapes.unsqueeze(s, 0));
    }
    return Shapes.concat(0, rows);
  }

  /** The kept steps {@code [B, T]} of sequences of the given lengths (each in 1..time). */
  static Tensor keep(Tensor like, int[] lengths, int time) {
    double[] v = new double[lengths.length * time];
    for (int b = 0; b < lengths.length; b++) {
      if (lengths[b] < 1 || lengths[b] > time) {
        throw new IllegalArgumentException(
            "recurrent layer: length "
                + lengths[b]
                + " of sequence "
                + b
                + " is outside 1.."
                + time
                + " (lengths "
                + Arrays.toString(lengths)
                + ")");
      }
      Arrays.fill(v, b * time, b * time + lengths[b], 1.0);
    }
    return Tensors.of(like.backend(), like.dtype(), v, lengths.length, time);
  }

  /**
   * The kept steps {@code [B, T]} of an additive padding mask {@code [B, 1, T]} or {@code [B, T]}.
   */
  private Tensor keepFromMask(Tensor mask, Tensor input) {
    int batch = batchFirst ? input.dim(0) : input.dim(1);
    int time = batchFirst ? input.dim(1) : input.dim(0);
    Tensor m = mask.rank() == 3 && mask.dim(1) == 1 ? Shapes.squeeze(mask, 1) : mask;
    if (!m.shape().equals(Shape.of(batch, time))) {
      throw new IllegalArgumentException(
          (lstm ? "lstm" : "gru")
              + ": a padding mask must be [batch, 1, time] or [batch, time] = ["
              + batch
              + ", "
              + time
              + "], got "
              + mask.shape());
    }
    DType dtype = input.dtype();
    Tensor zero = Tensors.scalar(input.backend(), m.dtype(), 0);
    Tensor kept = Elementwise.equal(m, zero);
    return kept.dtype() == dtype ? kept : kept.to(dtype);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (RecurrentCell c : cells) {
      m.putAll(c.namedParameters());
    }
    return m;
  }
}
