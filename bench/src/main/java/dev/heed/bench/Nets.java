package dev.heed.bench;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark networks, composed from core operations with PyTorch's parameter layout, so they do
 * the same work as the reference script's modules: {@code nn.MultiheadAttention} (batch first, no
 * returned weights), {@code nn.TransformerEncoderLayer} (post-norm, ReLU, dropout 0) and a dense
 * MLP. The encoder layer is composed here from core operations (Linalg, AttentionOps) rather than
 * taken from the attention module, so the benchmark depends on core and a backend only.
 */
final class Nets {
  private Nets() {}

  /** A parameter of {@code dims} with uniform values in {@code ±bound}, outside any scope. */
  static Parameter param(Backend b, long seed, double bound, int... dims) {
    return new Parameter(
        Scope.outside(
            () -> Tensors.uniform(b, Shape.of(dims), DType.FLOAT32, -bound, bound, seed)));
  }

  /** {@code nn.Linear(in, out)}: weight {@code [out, in]}, bias {@code [out]}. */
  record Linear(Parameter weight, Parameter bias) {
    static Linear of(Backend b, long seed, int in, int out) {
      double bound = 1 / Math.sqrt(in);
      return new Linear(param(b, seed, bound, out, in), param(b, seed + 1, bound, out));
    }

    Tensor forward(Tensor x) {
      return Linalg.linear(x, weight.value(), bias.value());
    }

    void into(String prefix, Map<String, Parameter> out) {
      out.put(prefix + ".weight", weight);
      out.put(prefix + ".bias", bias);
    }
  }

  /** {@code nn.MultiheadAttention(d, heads, batch_first=True)} on self-attention. */
  record Mha(int d, int heads, Linear in, Linear out) {
    static Mha of(Backend b, long seed, int d, int heads) {
      return new Mha(d, heads, Linear.of(b, seed, d, 3 * d), Linear.of(b, seed + 2, d, d));
    }

    /**
     * {@code x [B, T, D]} → {@code [B, T, D]}: the packed input projection, the heads' attention
     * ({@code AttentionOps.selfAttention}, which splits and merges the heads), the output
     * projection.
     */
    Tensor forward(Tensor x, boolean training) {
      Tensor qkv = in.forward(x); // [B, T, 3D]
      Tensor merged =
          AttentionOps.selfAttention(qkv, heads, 1 / Math.sqrt(d / heads), 0, training, 0)
              .output(); // [B, T, D]
      return out.forward(merged);
    }

    Map<String, Parameter> parameters() {
      Map<String, Parameter> p = new LinkedHashMap<>();
      in.into("in_proj", p);
      out.into("out_proj", p);
      return p;
    }
  }

  /** {@code nn.LayerNorm(d)}. */
  record LayerNorm(Parameter weight, Parameter bias) {
    static LayerNorm of(Backend b, int d) {
      Parameter w = new Parameter(Scope.outside(() -> Tensors.ones(b, Shape.of(d), DType.FLOAT32)));
      Parameter z =
          new Parameter(Scope.outside(() -> Tensors.zeros(b, Shape.of(d), DType.FLOAT32)));
      return new LayerNorm(w, z);
    }

    Tensor forward(Tensor x) {
      return AttentionOps.layerNorm(x, weight.value(), bias.value(), 1e-5);
    }
  }

  /**
   * {@code nn.TransformerEncoderLayer(d, heads, ff, dropout=0, batch_first=True)}: post-norm,
   * {@code x = norm1(x + attn(x)); x = norm2(x + linear2(relu(linear1(x))))}.
   */
  record EncoderLayer(Mha attn, Linear ff1, Linear ff2, LayerNorm norm1, LayerNorm norm2) {
    static EncoderLayer of(Backend b, long seed, int d, int heads, int ff) {
      return new EncoderLayer(
          Mha.of(b, seed, d, heads),
          Linear.of(b, seed + 10, d, ff),
          Linear.of(b, seed + 20, ff, d),
          LayerNorm.of(b, d),
          LayerNorm.of(b, d));
    }

    Tensor forward(Tensor x, boolean training) {
      Tensor h = norm1.forward(Elementwise.add(x, attn.forward(x, training)));
      Tensor f = ff2.forward(Elementwise.relu(ff1.forward(h)));
      return norm2.forward(Elementwise.add(h, f));
    }

    Map<String, Parameter> parameters() {
      Map<String, Parameter> p = new LinkedHashMap<>();
      attn.parameters().forEach((k, v) -> p.put("self_attn." + k, v));
      ff1.into("linear1", p);
      ff2.into("linear2", p);
      p.put("norm1.weight", norm1.weight());
      p.put("norm1.bias", norm1.bias());
      p.put("norm2.weight", norm2.weight());
      p.put("norm2.bias", norm2.bias());
      return p;
    }
  }

  /** {@code Sequential(Linear(in, hidden), Tanh(), Linear(hidden, out))}. */
  record Mlp(Linear first, Linear second) {
    static Mlp of(Backend b, long seed, int in, int hidden, int out) {
      return new Mlp(Linear.of(b, seed, in, hidden), Linear.of(b, seed + 2, hidden, out));
    }

    Tensor forward(Tensor x) {
      return second.forward(Elementwise.tanh(first.forward(x)));
    }

    Map<String, Parameter> parameters() {
      Map<String, Parameter> p = new LinkedHashMap<>();
      first.into("0", p);
      second.into("2", p);
      return p;
    }
  }
}
