package dev.heed.recurrent;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.testkit.TestBackends;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The recurrent layers and cells against PyTorch's {@code nn.GRU}, {@code nn.LSTM}, {@code
 * nn.GRUCell} and {@code nn.LSTMCell} (fixtures by {@code make_recurrent_fixtures.py}): PyTorch's
 * weights loaded by their state_dict names; the output, the final states and the gradients of
 * {@code Σ output·R + Σ h_n·RH (+ Σ c_n·RC)} with respect to the input, the initial states and
 * every weight. The packed cases give lengths to {@code pack_padded_sequence}; Heed gets the same
 * lengths as kept steps. Float64 within 1e-9, float32 within 1e-4 (relative to {@code max(1,
 * |expected|)}). The attention decoder is checked against itself written out with PyTorch's cells
 * (bahdanau with a GRU cell and the additive unit; luong with an LSTM cell and general dot).
 */
@SuppressWarnings("try")
class RecurrentFixtureTest {
  @TempDir Path tmp;

  private static double tolerance(DType dtype) {
    return dtype == DType.FLOAT64 ? 1e-9 : 1e-4;
  }

  private void layer(
      String name, RecurrentProvider provider, Map<String, Object> options, DType dtype) {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Fixture f = Fixture.load(name, ref, dtype, tmp);
      Tensor x = f.input("x");
      Recurrent layer =
          provider.build(
              provider.options().resolve(name, options, Plugins.shared()),
              x.dim(2),
              BuildContext.of(ref, dtype, 1));
      f.loadInto(layer);
      boolean lstm = provider instanceof LstmProvider;
      boolean state = f.tensors.containsKey("input.h0");
      Tensor h0 = state ? f.input("h0") : null;
      Tensor c0 = state && lstm ? f.input("c0") : null;
      boolean batchFirst = !Boolean.FALSE.equals(options.get("batch_first"));
      Tensor keep =
          f.tensors.containsKey("input.lengths")
              ? Recurrent.keep(x, f.lengths(), x.dim(batchFirst ? 1 : 0))
              : null;
      RecurrentResult r = layer.run(x, keep, h0, c0, ForwardContext.inference());
      Tensor loss = f.loss(r.output()).add(r.hN().mul(f.get("input.RH")).sum());
      if (lstm) {
        loss = loss.add(r.cN().mul(f.get("input.RC")).sum());
      }
      loss.backward();
      double tol = tolerance(dtype);
      f.assertClose("output", r.output(), "expected.output", tol);
      f.assertClose("h_n", r.hN(), "expected.h_n", tol);
      if (lstm) {
        f.assertClose("c_n", r.cN(), "expected.c_n", tol);
      }
      f.assertClose("input gradient", x.grad(), "grad.x", tol);
      if (state) {
        f.assertClose("h0 gradient", h0.grad(), "grad.h0", tol);
        if (lstm) {
          f.assertClose("c0 gradient", c0.grad(), "grad.c0", tol);
        }
      }
      f.assertParameterGradients(layer, tol);
    }
  }

  private void cell(String name, boolean lstm, boolean bias, DType dtype) {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Fixture f = Fixture.load(name, ref, dtype, tmp);
      Tensor x = f.input("x");
      Tensor h = f.input("h0");
      Tensor c = lstm ? f.input("c0") : null;
      BuildContext ctx = BuildContext.of(ref, dtype, 1);
      RecurrentCell cell =
          lstm
              ? new LstmCell(x.dim(1), h.dim(1), bias, "", ctx)
              : new GruCell(x.dim(1), h.dim(1), bias, "", ctx);
      f.loadInto(cell);
      RecurrentState next = cell.step(cell.project(x), new RecurrentState(h, c));
      Tensor loss = f.loss(next.h());
      if (lstm) {
        loss = loss.add(next.c().mul(f.get("input.RC")).sum());
      }
      loss.backward();
      double tol = tolerance(dtype);
      f.assertClose("h'", next.h(), "expected.output", tol);
      if (lstm) {
        f.assertClose("c'", next.c(), "expected.c_n", tol);
        f.assertClose("c gradient", c.grad(), "grad.c0", tol);
      }
      f.assertClose("input gradient", x.grad(), "grad.x", tol);
      f.assertClose("h gradient", h.grad(), "grad.h0", tol);
      f.assertParameterGradients(cell, tol);
    }
  }

  private void decoder(String name, Map<String, Object> options, DType dtype) {
    Backend ref = TestBackends.reference();
    try (Scope scope = Scope.open()) {
      Fixture f = Fixture.load(name, ref, dtype, tmp);
      Tensor tgt = f.input("tgt");
      Tensor memory = f.input("memory");
      AttentionDecoderProvider p = new AttentionDecoderProvider();
      AttentionDecoder layer =
          p.build(
              p.options().resolve(name, options, Plugins.shared()),
              tgt.dim(2),
              BuildContext.of(ref, dtype, 1));
      f.loadInto(layer);
      Tensor mask = AttentionMasks.fromLengths(ref, dtype, f.lengths(), memory.dim(1));
      Tensor out = layer.forward(tgt, memory, null, mask, ForwardContext.inference());
      f.loss(out).backward();
      double tol = tolerance(dtype);
      f.assertClose("output", out, "expected.output", tol);
      f.assertClose("target gradient", tgt.grad(), "grad.tgt", tol);
      f.assertClose("memory gradient", memory.grad(), "grad.memory", tol);
      f.assertParameterGradients(layer, tol);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void bahdanauGruDecoderWithAdditiveAttention(DType dtype) {
    decoder(
        "decoder_bahdanau_gru",
        Map.of(
            "hidden_size",
            4,
            "memory_features",
            5,
            "attention",
            Map.of("name", "additive", "hidden", 6)),
        dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void luongLstmDecoderWithGeneralDotAttention(DType dtype) {
    decoder(
        "decoder_luong_lstm",
        Map.of(
            "hidden_size",
            4,
            "memory_features",
            5,
            "cell",
            "lstm",
            "style",
            "luong",
            "attention",
            Map.of("name", "dot", "general", true)),
        dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void twoLayerBidirectionalGruOverPackedSequences(DType dtype) {
    layer(
        "gru_packed",
        new GruProvider(),
        Map.of("hidden_size", 4, "num_layers", 2, "bidirectional", true),
        dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void twoLayerBidirectionalLstmOverPackedSequences(DType dtype) {
    layer(
        "lstm_packed",
        new LstmProvider(),
        Map.of("hidden_size", 4, "num_layers", 2, "bidirectional", true),
        dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void timeMajorGruWithoutBias(DType dtype) {
    layer(
        "gru_time_major",
        new GruProvider(),
        Map.of("hidden_size", 4, "batch_first", false, "bias", false),
        dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void threeLayerLstm(DType dtype) {
    layer("lstm_plain", new LstmProvider(), Map.of("hidden_size", 4, "num_layers", 3), dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void gruCell(DType dtype) {
    cell("gru_cell", false, true, dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void gruCellWithoutBias(DType dtype) {
    cell("gru_cell_nobias", false, false, dtype);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT64", "FLOAT32"})
  void lstmCell(DType dtype) {
    cell("lstm_cell", true, true, dtype);
  }
}
