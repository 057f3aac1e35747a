package dev.heed.bench.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The workloads of `heed bench` and of the reference scripts ({@code bench_torch.py}, {@code
 * bench_seed.py}) on PyTorch 2.7.1's CPU build (MKL, oneDNN) driven from Java through DJL.
 *
 * <p>Each workload is written with the ATen operations DJL exposes, in the order PyTorch's modules
 * compute them: {@code linear} (addmm), {@code layer_norm}, {@code softmax}, batched {@code matmul},
 * and DJL's native Adam and SGD updates. Two differences from PyTorch called from Python, stated
 * because they change what is measured: multi-head attention is the unfused composition
 * (projections, {@code Q·Kᵀ}, softmax, {@code ·V}) because DJL does not expose PyTorch's fused
 * {@code scaled_dot_product_attention} — so the {@code mha} and {@code encoder} lines measure
 * PyTorch's kernels, not its fused attention path; and gradients accumulate into the existing
 * gradient tensors (PyTorch's {@code zero_grad(set_to_none=True)} lets the first backward write
 * them), one extra elementwise add per parameter and step.
 *
 * <p>The thread count is fixed per JVM ({@code -Dai.djl.pytorch.num_threads=N}); {@code
 * bench/djl/run.sh} starts one JVM per count. Lines have the reference scripts' format with the
 * prefix {@code ref djl-torch}, so {@code bench/scripts/compare.py} pairs them with Heed's.
 */
public final class TorchBench {
  private TorchBench() {}

  public static void main(String[] args) {
    Set<String> only =
        new LinkedHashSet<>(List.of("matmul", "mha", "encoder", "mlp", "mha_small", "seed"));
    List<Integer> sizes = List.of(256, 512, 1024, 2048);
    Timing timing = new Timing(9, 0.25, 1.0);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--only" -> only = new LinkedHashSet<>(List.of(args[++i].split(",")));
        case "--sizes" -> {
          List<Integer> s = new ArrayList<>();
          for (String n : args[++i].split(",")) {
            s.add(Integer.parseInt(n.trim()));
          }
          sizes = s;
        }
        case "--rounds" -> timing = new Timing(Integer.parseInt(args[++i]), timing.roundS(), 1.0);
        default -> {
          System.err.println(
              "usage: TorchBench [--only matmul,mha,encoder,mlp,mha_small,seed]"
                  + " [--sizes 256,1024] [--rounds 9]   (threads: -Dai.djl.pytorch.num_threads=N)");
          System.exit(2);
        }
      }
    }
    Engine engine = Engine.getEngine("PyTorch");
    int threads = Integer.getInteger("ai.djl.pytorch.num_threads", -1);
    if (threads < 1) {
      System.err.println("set -Dai.djl.pytorch.num_threads=N (the thread count to measure)");
      System.exit(2);
    }
    System.out.println(
        "ref djl-torch info pytorch=" + engine.getVersion() + " djl=" + Engine.getDjlVersion()
            + " threads=" + threads);
    try (NDManager base = engine.newBaseManager()) {
      Workloads w = new Workloads(base, threads, timing);
      if (only.contains("matmul")) {
        w.matmul(sizes);
      }
      if (only.contains("mha")) {
        w.mha(8, 128, 256, 4, "mha", "ms", true);
      }
      if (only.contains("encoder")) {
        w.encoder();
      }
      if (only.contains("mlp")) {
        w.mlp();
      }
      if (only.contains("mha_small")) {
        w.mha(1, 32, 64, 2, "mha_small", "us", false);
      }
      if (only.contains("seed") && threads == 1) {
        w.seed();
      }
    }
  }

  /** The workloads; arrays made per call live in a sub-manager closed after the call. */
  static final class Workloads {
    private final NDManager base;
    private final int threads;
    private final Timing timing;

    Workloads(NDManager base, int threads, Timing timing) {
      this.base = base;
      this.threads = threads;
      this.timing = timing;
      base.getEngine().setRandomSeed(0);
    }

    /** Runs {@code body} with {@code inputs} attached to a manager that is closed afterwards. */
    private void scoped(Runnable body, NDArray... inputs) {
      try (NDManager sub = base.newSubManager()) {
        for (NDArray a : inputs) {
          a.tempAttach(sub);
        }
        body.run();
      }
    }

    void matmul(List<Integer> sizes) {
      for (int n : sizes) {
        NDArray x = base.randomNormal(new Shape(n, n));
        NDArray y = base.randomNormal(new Shape(n, n));
        Result r = timing.measure(() -> scoped(() -> x.matMul(y), x, y));
        print("matmul", "n=" + n, r, 2.0 * n * n * n, "ms", "");
        x.close();
        y.close();
      }
    }

    /** nn.MultiheadAttention(D, H, batch_first=True) parameters, PyTorch's initial shapes. */
    private record Mha(NDArray inW, NDArray inB, NDArray outW, NDArray outB, int heads) {
      List<NDArray> params() {
        return List.of(inW, inB, outW, outB);
      }

      NDArray forward(NDArray x) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long d = x.getShape().get(2);
        long dh = d / heads;
        NDList qkv = Linear.linear(x, inW, inB).singletonOrThrow().split(3, 2);
        NDArray q = qkv.get(0).reshape(b, t, heads, dh).transpose(0, 2, 1, 3);
        NDArray k = qkv.get(1).reshape(b, t, heads, dh).transpose(0, 2, 3, 1);
        NDArray v = qkv.get(2).reshape(b, t, heads, dh).transpose(0, 2, 1, 3);
        NDArray attn = q.mul(1.0 / Math.sqrt(dh)).matMul(k).softmax(-1);
        NDArray ctx = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
        return Linear.linear(ctx, outW, outB).singletonOrThrow();
      }
    }

    private Mha newMha(int d, int heads) {
      double bound = Math.sqrt(6.0 / (d + 3 * d)); // xavier_uniform_ of in_proj_weight
      NDArray inW = base.randomUniform((float) -bound, (float) bound, new Shape(3L * d, d));
      NDArray inB = base.zeros(new Shape(3L * d));
      double ob = 1.0 / Math.sqrt(d);
      NDArray outW = base.randomUniform((float) -ob, (float) ob, new Shape(d, d));
      NDArray outB = base.zeros(new Shape(d));
      return new Mha(inW, inB, outW, outB, heads);
    }

    private static void requireGrad(List<NDArray> params) {
      for (NDArray p : params) {
        p.setRequiresGradient(true);
      }
    }

    void mha(int b, int t, int d, int h, String tag, String unit, boolean withBackward) {
      Mha m = newMha(d, h);
      NDArray x = base.randomNormal(new Shape(b, t, d));
      String params = "B=" + b + " T=" + t + " D=" + d + " H=" + h;
      double ff = 8.0 * b * t * d * d + 4.0 * b * t * t * d;
      // inference: no gradient is recorded while no parameter requires one
      Result r = timing.measure(() -> scoped(() -> m.forward(x), x));
      print(tag + "_fwd_infer", params, r, ff, unit, "");
      requireGrad(m.params());
      r =
          timing.measure(
              () ->
                  scoped(
                      () -> {
                        try (GradientCollector gc = base.getEngine().newGradientCollector()) {
                          m.forward(x);
                        }
                      },
                      x));
      print(tag + "_fwd_train", params, r, ff, unit, "");
      if (withBackward) {
        NDArray xg = x.duplicate();
        xg.setRequiresGradient(true); // a layer inside a network also needs dX
        r =
            timing.measure(
                () ->
                    scoped(
                        () -> {
                          try (GradientCollector gc = base.getEngine().newGradientCollector()) {
                            gc.backward(m.forward(xg).sum());
                          }
                        },
                        xg));
        print(tag + "_fwdbwd", params, r, 3 * ff, unit, " flops_model=3xfwd");
        xg.close();
      }
      x.close();
    }

    void encoder() {
      int b = 8, t = 128, d = 256, h = 4, f = 1024;
      Mha m = newMha(d, h);
      double b1 = 1.0 / Math.sqrt(d);
      double b2 = 1.0 / Math.sqrt(f);
      NDArray w1 = base.randomUniform((float) -b1, (float) b1, new Shape(f, d));
      NDArray c1 = base.randomUniform((float) -b1, (float) b1, new Shape(f));
      NDArray w2 = base.randomUniform((float) -b2, (float) b2, new Shape(d, f));
      NDArray c2 = base.randomUniform((float) -b2, (float) b2, new Shape(d));
      NDArray g1 = base.ones(new Shape(d));
      NDArray e1 = base.zeros(new Shape(d));
      NDArray g2 = base.ones(new Shape(d));
      NDArray e2 = base.zeros(new Shape(d));
      List<NDArray> ps = new ArrayList<>(m.params());
      ps.addAll(List.of(w1, c1, w2, c2, g1, e1, g2, e2));
      NDArray x = base.randomNormal(new Shape(b, t, d));
      Shape norm = new Shape(d);
      // nn.TransformerEncoderLayer, post-norm, ReLU, dropout 0
      java.util.function.Function<NDArray, NDArray> layer =
          in -> {
            NDArray x1 =
                LayerNorm.layerNorm(in.add(m.forward(in)), norm, g1, e1, 1e-5f).singletonOrThrow();
            NDArray hidden = Linear.linear(x1, w1, c1).singletonOrThrow().getNDArrayInternal().relu();
            NDArray y = Linear.linear(hidden, w2, c2).singletonOrThrow();
            return LayerNorm.layerNorm(x1.add(y), norm, g2, e2, 1e-5f).singletonOrThrow();
          };
      String params = "B=" + b + " T=" + t + " D=" + d + " H=" + h + " FF=" + f;
      double ff = 8.0 * b * t * d * d + 4.0 * b * t * t * d + 4.0 * b * t * d * f;
      requireGrad(ps);
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
      Result r =
          timing.measure(
              () ->
                  scoped(
                      () -> {
                        try (GradientCollector gc = base.getEngine().newGradientCollector()) {
                          gc.backward(layer.apply(x).sum());
                        }
                        update(adam, ps);
                      },
                      x));
      print(
          "encoder_fwdbwd_adam",
          params,
          r,
          3 * ff,
          "ms",
          String.format(" tokens_per_s=%.0f flops_model=3xfwd", b * t / r.median()));
      for (NDArray p : ps) {
        p.setRequiresGradient(false);
      }
      r = timing.measure(() -> scoped(() -> layer.apply(x), x));
      print(
          "encoder_fwd_infer",
          params,
          r,
          ff,
          "ms",
          String.format(" tokens_per_s=%.0f", b * t / r.median()));
    }

    private static void update(Optimizer optimizer, List<NDArray> params) {
      for (int i = 0; i < params.size(); i++) {
        NDArray p = params.get(i);
        try (NDArray g = p.getGradient()) {
          optimizer.update("p" + i, p, g);
        }
      }
    }

    /** Linear–tanh–Linear, MSE, SGD lr 0.01: the MLP (64-256-10) and the seed (10-10-5) steps. */
    private Result tanhMlpStep(int batch, int in, int hidden, int out) {
      double a1 = 1.0 / Math.sqrt(in);
      double a2 = 1.0 / Math.sqrt(hidden);
      NDArray w1 = base.randomUniform((float) -a1, (float) a1, new Shape(hidden, in));
      NDArray c1 = base.randomUniform((float) -a1, (float) a1, new Shape(hidden));
      NDArray w2 = base.randomUniform((float) -a2, (float) a2, new Shape(out, hidden));
      NDArray c2 = base.randomUniform((float) -a2, (float) a2, new Shape(out));
      List<NDArray> ps = List.of(w1, c1, w2, c2);
      requireGrad(ps);
      NDArray x = base.randomNormal(new Shape(batch, in));
      NDArray target = base.randomNormal(new Shape(batch, out));
      Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build();
      return timing.measure(
          () ->
              scoped(
                  () -> {
                    try (GradientCollector gc = base.getEngine().newGradientCollector()) {
                      NDArray hid = Linear.linear(x, w1, c1).singletonOrThrow().tanh();
                      NDArray y = Linear.linear(hid, w2, c2).singletonOrThrow();
                      gc.backward(y.sub(target).square().mean());
                    }
                    update(sgd, ps);
                  },
                  x,
                  target));
    }

    void mlp() {
      Result r = tanhMlpStep(64, 64, 256, 10);
      double ff = 2.0 * 64 * (64 * 256 + 256 * 10);
      print("mlp_fwdbwd_sgd", "in=64 hidden=256 out=10 batch=64 loss=mse", r, 3 * ff, "us", "");
    }

    void seed() {
      for (int batch : new int[] {1, 32}) {
        Result r = tanhMlpStep(batch, 10, 10, 5);
        print(
            "seed_mlp_step", "in=10 hidden=10 out=5 batch=" + batch, r, Double.NaN, "us", "");
      }
    }

    private void print(String name, String params, Result r, double flops, String unit, String extra) {
      double scale = switch (unit) {
        case "s" -> 1.0;
        case "ms" -> 1e3;
        default -> 1e6;
      };
      StringBuilder line =
          new StringBuilder(
              String.format(
                  "ref djl-torch %s %s threads=%d %s=%.4g %s_min=%.4g %s_max=%.4g",
                  name, params, threads, unit, r.median() * scale, unit, r.min() * scale, unit,
                  r.max() * scale));
      if (!Double.isNaN(flops)) {
        line.append(
            String.format(
                " gflops=%.2f gflops_min=%.2f gflops_max=%.2f",
                flops / r.median() / 1e9, flops / r.max() / 1e9, flops / r.min() / 1e9));
      }
      line.append(
          String.format(
              " iters=%d cpu_util=%.2f foreign_cores=%.2f steal_cores=%.2f attempt=1%s",
              r.iters(), r.cpuUtil(), r.foreignCores(), r.stealCores(), extra));
      System.out.println(line);
    }
  }
}
