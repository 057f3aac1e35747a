package dev.heed.bench.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;
import java.util.Set;

/**
 * The workloads of `heed bench` and of the reference scripts ({@code bench_torch.py}, {@code
 * bench_seed.py}, {@code vision/scripts/bench_conv_torch.py}) on PyTorch 2.7.1's CPU build (MKL, oneDNN) driven from Java through DJL.
 *
 * <p>Each workload is written with the ATen operations DJL exposes, in the order PyTorch's modules
 * compute them: {@code linear} (addmm), {@code layer_norm}, {@code softmax}, batched {@code matmul},
 * {@code convolution}, {@code batch_norm}, {@code max_pool2d}, {@code log_softmax}, and DJL's native
 * Adam and SGD updates. Two differences from PyTorch called from Python, stated
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
        new LinkedHashSet<>(List.of("matmul", "mha", "encoder", "mlp", "mha_small", "seed", "conv"));
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
              "usage: TorchBench [--only matmul,mha,encoder,mlp,mha_small,seed,conv]"
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
      if (only.contains("conv")) {
        w.conv();
        w.cnn();
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

    /** Times {@code f} on {@code x}, {@code sum()} and the backward pass, each call scoped. */
    private Result backwardOfSum(Function<NDArray, NDArray> f, NDArray x) {
      return timing.measure(
          () ->
              scoped(
                  () -> {
                    try (GradientCollector gc = base.getEngine().newGradientCollector()) {
                      gc.backward(f.apply(x).sum());
                    }
                  },
                  x));
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
        r = backwardOfSum(m::forward, xg);
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
      Function<NDArray, NDArray> layer =
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

    /**
     * The 3×3 convolution of {@code heed bench}'s conv group: batch 32, 64 → 64 channels, 28×28,
     * padding 1, with bias; forward without gradients, and forward, sum and backward into weight,
     * bias and input.
     */
    void conv() {
      int b = 32, c = 64, size = 28;
      NDArray x = base.randomNormal(new Shape(b, c, size, size));
      NDArray w = base.randomNormal(0, 0.05f, new Shape(c, c, 3, 3), DataType.FLOAT32);
      NDArray bias = base.randomNormal(0, 0.05f, new Shape(c), DataType.FLOAT32);
      Shape one = new Shape(1, 1);
      Function<NDArray, NDArray> conv =
          in -> Conv2d.conv2d(in, w, bias, one, one, one, 1).singletonOrThrow();
      String params = "B=" + b + " C=" + c + " H=W=" + size + " k=3";
      double ff = 2.0 * b * c * c * 9 * size * size;
      // no array requires a gradient yet, so nothing is recorded (PyTorch's no_grad)
      Result r = timing.measure(() -> scoped(() -> conv.apply(x), x));
      print("conv2d_fwd", params, r, ff, "ms", "");
      requireGrad(List.of(w, bias));
      NDArray xg = x.duplicate();
      xg.setRequiresGradient(true);
      r = backwardOfSum(conv, xg);
      print("conv2d_fwdbwd", params, r, 3 * ff, "ms", " flops_model=3xfwd");
      for (NDArray a : List.of(x, xg, w, bias)) {
        a.close();
      }
    }

    /**
     * One training step of the Fashion-MNIST CNN ({@code examples/fashion-mnist-cnn.yaml}, as
     * {@code heed bench}'s {@code cnn_fwdbwd_adam} and {@code bench_conv_torch.py} build it) on a
     * fixed batch of 64 uniform random 28×28 images: normalize, conv 1→16 (3×3, padding 1, no
     * bias), batch norm in training mode, ReLU, 2×2 max pool, conv 16→32, batch norm, ReLU, max
     * pool, flatten, linear 1568→128, ReLU, linear 128→10; softmax cross-entropy against one-hot
     * targets (PyTorch's {@code cross_entropy} with probabilities: {@code -(log_softmax · y)} summed
     * over classes, mean over the batch), backward, Adam lr 0.002. Parameters get PyTorch's default
     * initial values (uniform ±1/√fan_in; batch norm scale 1, shift 0, running mean 0, variance 1).
     */
    void cnn() {
      int b = 64;
      NDArray k1 = uniform(9, new Shape(16, 1, 3, 3));
      NDArray k2 = uniform(16 * 9, new Shape(32, 16, 3, 3));
      NDArray g1 = base.ones(new Shape(16));
      NDArray e1 = base.zeros(new Shape(16));
      NDArray g2 = base.ones(new Shape(32));
      NDArray e2 = base.zeros(new Shape(32));
      NDArray w3 = uniform(1568, new Shape(128, 1568));
      NDArray c3 = uniform(1568, new Shape(128));
      NDArray w4 = uniform(128, new Shape(10, 128));
      NDArray c4 = uniform(128, new Shape(10));
      // running statistics: updated in place by every training-mode batch norm, no gradient
      NDArray m1 = base.zeros(new Shape(16));
      NDArray v1 = base.ones(new Shape(16));
      NDArray m2 = base.zeros(new Shape(32));
      NDArray v2 = base.ones(new Shape(32));
      List<NDArray> ps = List.of(k1, g1, e1, k2, g2, e2, w3, c3, w4, c4);
      requireGrad(ps);
      NDArray x = base.randomUniform(0, 1, new Shape(b, 28 * 28));
      float[] oneHot = new float[b * 10];
      for (int i = 0; i < b; i++) {
        oneHot[i * 10 + (i * 7) % 10] = 1;
      }
      NDArray y = base.create(oneHot, new Shape(b, 10));
      Shape one = new Shape(1, 1);
      Shape zero = new Shape(0, 0);
      Shape two = new Shape(2, 2);
      // axis -1: DJL's PyTorch engine then calls torch.batch_norm directly (channels on axis 1);
      // any other axis is swapped to 1 and back around the call. DJL passes 1 - momentum to
      // PyTorch, so 0.9 here is nn.BatchNorm2d's momentum 0.1.
      Function<NDArray, NDArray> net =
          in -> {
            NDArray h = in.sub(0.2860f).div(0.3530f).reshape(b, 1, 28, 28);
            h = Conv2d.conv2d(h, k1, null, one, one, one, 1).singletonOrThrow();
            h = BatchNorm.batchNorm(h, m1, v1, g1, e1, -1, 0.9f, 1e-5f, true).singletonOrThrow();
            h = Pool.maxPool2d(h.getNDArrayInternal().relu(), two, two, zero, false);
            h = Conv2d.conv2d(h, k2, null, one, one, one, 1).singletonOrThrow();
            h = BatchNorm.batchNorm(h, m2, v2, g2, e2, -1, 0.9f, 1e-5f, true).singletonOrThrow();
            h = Pool.maxPool2d(h.getNDArrayInternal().relu(), two, two, zero, false);
            h = Linear.linear(h.reshape(b, 1568), w3, c3).singletonOrThrow();
            h = Linear.linear(h.getNDArrayInternal().relu(), w4, c4).singletonOrThrow();
            return h.logSoftmax(1).mul(y).sum(new int[] {1}).neg().mean();
          };
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.002f)).build();
      Result r =
          timing.measure(
              () ->
                  scoped(
                      () -> {
                        try (GradientCollector gc = base.getEngine().newGradientCollector()) {
                          gc.backward(net.apply(x));
                        }
                        update(adam, ps);
                      },
                      x));
      double ff = 2.0 * b * (16 * 9 * 28 * 28 + 32 * 16 * 9 * 14 * 14 + 1568 * 128 + 128 * 10);
      print(
          "cnn_fwdbwd_adam",
          "B=" + b + " H=W=28 conv=16,32 dense=128,10",
          r,
          3 * ff,
          "ms",
          "");
      for (NDArray a : List.of(k1, g1, e1, k2, g2, e2, w3, c3, w4, c4, m1, v1, m2, v2, x, y)) {
        a.close();
      }
    }

    /** PyTorch's default initial values of a layer with {@code fanIn} inputs: U(±1/√fanIn). */
    private NDArray uniform(int fanIn, Shape shape) {
      float bound = (float) (1.0 / Math.sqrt(fanIn));
      return base.randomUniform(-bound, bound, shape);
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
