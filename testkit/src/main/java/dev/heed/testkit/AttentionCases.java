package dev.heed.testkit;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.AttentionOptions;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The attention calls {@link FusedAttentionContract} runs through {@code AttentionOps.attention}:
 * awkward sizes, views of q, k and v, masks broadcast in several ways, the causal rule, dropout and
 * grouped-query heads; and the tensors of one call on a backend.
 */
final class AttentionCases {
  private AttentionCases() {}

  /** How q, k and v are stored. */
  enum Views {
    /** Contiguous leaves. */
    DENSE,
    /**
     * Head splits of one packed {@code [B, T, 3·H·d]} projection (needs H = Hkv, Tq = Tk, d = dv).
     */
    PACKED,
    /** q and k permuted from {@code [B, T, H, d]}, v transposed from {@code [B, Hkv, dv, Tk]}. */
    PERMUTED,
    /** Slices of larger tensors: non-zero offsets and rows longer than d. */
    OFFSET
  }

  /** Which mask, if any. */
  enum Mask {
    /** No mask. */
    NONE,
    /** Additive {@code [Tk]} with {@code -∞} entries, broadcast over batch, heads and queries. */
    KEYS,
    /** Additive {@code [B, 1, 1, Tk]} with {@code -∞} entries. */
    BATCH_KEYS,
    /** Additive {@code [B, H, Tq, Tk]} with {@code -∞} entries. */
    FULL,
    /** Keep-flags {@code [B, 1, Tq, Tk]}. */
    BOOLEAN,
    /** Additive {@code [B, H, Tq, Tk]} in which query 2 of batch 1, head 0 sees no key. */
    FULL_ROW
  }

  /** One call. Key 0 is never hidden by a mask, so no row is empty unless the case says so. */
  record Case(
      String name,
      int batch,
      int heads,
      int kvHeads,
      int queries,
      int keys,
      int headDim,
      int valueDim,
      Views views,
      Mask mask,
      boolean causal,
      double dropout) {
    @Override
    public String toString() {
      return name;
    }

    /** The problem {@code AttentionOps.attention} poses for this case and seed. */
    AttentionProblem problem(long seed) {
      return new AttentionProblem(
          batch,
          heads,
          kvHeads,
          queries,
          keys,
          headDim,
          valueDim,
          1 / Math.sqrt(headDim),
          causal,
          dropout,
          seed);
    }
  }

  static List<Case> all() {
    return List.of(
        new Case("Tq 5, Tk 7", 2, 3, 3, 5, 7, 8, 8, Views.DENSE, Mask.NONE, false, 0),
        new Case(
            "one query over 300 keys", 1, 2, 2, 1, 300, 16, 16, Views.DENSE, Mask.NONE, false, 0),
        new Case("Tq 9 over Tk 4", 1, 2, 2, 9, 4, 8, 8, Views.DENSE, Mask.NONE, false, 0),
        new Case("d 13, dv 5", 2, 2, 2, 6, 9, 13, 5, Views.DENSE, Mask.NONE, false, 0),
        new Case("d 1, dv 1", 1, 2, 2, 4, 5, 1, 1, Views.DENSE, Mask.NONE, false, 0),
        new Case(
            "17 queries over 300 keys, dv 12",
            1,
            1,
            1,
            17,
            300,
            8,
            12,
            Views.DENSE,
            Mask.NONE,
            false,
            0),
        new Case(
            "heads of a packed [B, T, 3·H·d] projection",
            2,
            3,
            3,
            6,
            6,
            4,
            4,
            Views.PACKED,
            Mask.NONE,
            false,
            0),
        new Case(
            "packed projection, causal", 2, 2, 2, 7, 7, 8, 8, Views.PACKED, Mask.NONE, true, 0),
        new Case(
            "permuted [B, T, H, d] views, v transposed",
            2,
            2,
            2,
            5,
            7,
            6,
            3,
            Views.PERMUTED,
            Mask.NONE,
            false,
            0),
        new Case("slices at offsets", 2, 2, 2, 4, 6, 5, 7, Views.OFFSET, Mask.NONE, false, 0),
        new Case("mask [Tk] with -∞", 2, 2, 2, 5, 7, 8, 8, Views.DENSE, Mask.KEYS, false, 0),
        new Case(
            "mask [B, 1, 1, Tk] with -∞, permuted",
            3,
            2,
            2,
            4,
            9,
            8,
            8,
            Views.PERMUTED,
            Mask.BATCH_KEYS,
            false,
            0),
        new Case(
            "mask [B, H, Tq, Tk] with -∞, offsets",
            2,
            3,
            3,
            5,
            6,
            7,
            7,
            Views.OFFSET,
            Mask.FULL,
            false,
            0),
        new Case(
            "boolean mask [B, 1, Tq, Tk]",
            2,
            2,
            2,
            6,
            6,
            8,
            8,
            Views.DENSE,
            Mask.BOOLEAN,
            false,
            0),
        new Case("causal, Tq = Tk", 2, 2, 2, 9, 9, 8, 8, Views.DENSE, Mask.NONE, true, 0),
        new Case(
            "causal, Tq 3 < Tk 10 (bottom-right)",
            2,
            2,
            2,
            3,
            10,
            8,
            8,
            Views.DENSE,
            Mask.NONE,
            true,
            0),
        new Case(
            "causal, one query over 33 keys",
            1,
            2,
            2,
            1,
            33,
            8,
            8,
            Views.DENSE,
            Mask.NONE,
            true,
            0),
        new Case(
            "causal with a mask [Tk], permuted",
            2,
            2,
            2,
            6,
            8,
            4,
            4,
            Views.PERMUTED,
            Mask.KEYS,
            true,
            0),
        new Case("grouped heads H 4, Hkv 1", 2, 4, 1, 5, 7, 8, 8, Views.DENSE, Mask.NONE, false, 0),
        new Case(
            "grouped heads H 4, Hkv 2, causal, mask [B, H, Tq, Tk]",
            2,
            4,
            2,
            6,
            6,
            8,
            8,
            Views.DENSE,
            Mask.FULL,
            true,
            0),
        new Case(
            "grouped heads H 6, Hkv 3, permuted",
            1,
            6,
            3,
            4,
            5,
            6,
            6,
            Views.PERMUTED,
            Mask.NONE,
            false,
            0),
        new Case("dropout 0.3", 2, 2, 2, 5, 7, 8, 8, Views.DENSE, Mask.NONE, false, 0.3),
        new Case(
            "dropout 0.2, causal, grouped heads, mask [Tk], offsets",
            2,
            4,
            2,
            6,
            9,
            5,
            5,
            Views.OFFSET,
            Mask.KEYS,
            true,
            0.2));
  }

  /** A batch entry's query that sees no key: NaN, as in the composite. */
  static Case fullyMaskedRow() {
    return new Case(
        "mask [B, H, Tq, Tk] hiding every key of one query",
        2,
        2,
        2,
        4,
        5,
        8,
        8,
        Views.DENSE,
        Mask.FULL_ROW,
        false,
        0);
  }

  static Case byName(String name) {
    return all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  static Stream<Arguments> cases() {
    List<Arguments> list = new ArrayList<>();
    for (Case c : all()) {
      for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
        list.add(Arguments.of(c.name(), t));
      }
    }
    return list.stream();
  }

  /**
   * The tensors of one call on a backend.
   *
   * @param leaves the tensors that gradients are compared on (q, k, v or what they are views of)
   * @param q queries {@code [B, H, Tq, d]}
   * @param k keys {@code [B, Hkv, Tk, d]}
   * @param v values {@code [B, Hkv, Tk, dv]}
   * @param options mask, causal rule, dropout and seed
   */
  record Inputs(List<Tensor> leaves, Tensor q, Tensor k, Tensor v, AttentionOptions options) {}

  private static Tensor leaf(Backend be, DType t, long seed, int... shape) {
    double[] v = Samples.float32(Samples.normal(seed, Samples.size(shape)));
    return Tensors.of(be, t, v, shape).requiresGrad(true);
  }

  /** The tensors of {@code c} on {@code be} in type {@code t}, with dropout stream {@code seed}. */
  static Inputs inputs(Case c, Backend be, DType t, long seed) {
    int b = c.batch();
    int h = c.heads();
    int hkv = c.kvHeads();
    int tq = c.queries();
    int tk = c.keys();
    int d = c.headDim();
    int dv = c.valueDim();
    List<Tensor> leaves = new ArrayList<>();
    Tensor q;
    Tensor k;
    Tensor v;
    switch (c.views()) {
      case DENSE -> {
        q = leaf(be, t, 1, b, h, tq, d);
        k = leaf(be, t, 2, b, hkv, tk, d);
        v = leaf(be, t, 3, b, hkv, tk, dv);
        leaves.addAll(List.of(q, k, v));
      }
      case PACKED -> {
        if (h != hkv || tq != tk || d != dv) {
          throw new IllegalArgumentException("a packed projection needs H = Hkv, Tq = Tk, d = dv");
        }
        Tensor qkv = leaf(be, t, 4, b, tq, 3 * h * d);
        leaves.add(qkv);
        Tensor split = Shapes.permute(Shapes.reshape(qkv, b, tq, 3, h, d), 2, 0, 3, 1, 4);
        q = Shapes.select(split, 0, 0);
        k = Shapes.select(split, 0, 1);
        v = Shapes.select(split, 0, 2);
      }
      case PERMUTED -> {
        Tensor qs = leaf(be, t, 5, b, tq, h, d);
        Tensor ks = leaf(be, t, 6, b, tk, hkv, d);
        Tensor vs = leaf(be, t, 7, b, hkv, dv, tk);
        leaves.addAll(List.of(qs, ks, vs));
        q = Shapes.permute(qs, 0, 2, 1, 3);
        k = Shapes.permute(ks, 0, 2, 1, 3);
        v = Shapes.transpose(vs, 2, 3);
      }
      case OFFSET -> {
        Tensor qb = leaf(be, t, 8, b, h, tq + 2, d + 3);
        Tensor kb = leaf(be, t, 9, b + 1, hkv, tk, d + 1);
        Tensor vb = leaf(be, t, 10, b, hkv + 1, tk + 1, dv);
        leaves.addAll(List.of(qb, kb, vb));
        q = Shapes.slice(Shapes.slice(qb, 2, 1, 1 + tq), 3, 2, 2 + d);
        k = Shapes.slice(Shapes.slice(kb, 0, 1, 1 + b), 3, 1, 1 + d);
        v = Shapes.slice(Shapes.slice(vb, 1, 1, 1 + hkv), 2, 0, tk);
      }
      default -> throw new IllegalStateException(c.views().toString());
    }
    AttentionOptions o =
        AttentionOptions.defaults().withCausal(c.causal()).withDropout(c.dropout(), true, seed);
    Tensor mask = mask(c, be, t);
    o = c.mask() == Mask.BOOLEAN ? o.withBooleanMask(mask) : o.withMask(mask);
    return new Inputs(leaves, q, k, v, o);
  }

  /** The mask tensor of {@code c}, or null. */
  static Tensor mask(Case c, Backend be, DType t) {
    double inf = Double.NEGATIVE_INFINITY;
    int b = c.batch();
    int h = c.heads();
    int tq = c.queries();
    int tk = c.keys();
    return switch (c.mask()) {
      case NONE -> null;
      case KEYS -> {
        double[] m = Samples.float32(Samples.normal(11, tk));
        for (int j = 0; j < tk; j++) {
          m[j] = j % 4 == 3 ? inf : (float) (0.5 * m[j]);
        }
        yield Tensors.of(be, t, m, tk);
      }
      case BATCH_KEYS -> {
        double[] m = Samples.float32(Samples.normal(12, b * tk));
        for (int e = 0; e < m.length; e++) {
          int j = e % tk;
          m[e] = j > 0 && (e / tk + j) % 3 == 2 ? inf : (float) (0.25 * m[e]);
        }
        yield Tensors.of(be, t, m, b, 1, 1, tk);
      }
      case FULL, FULL_ROW -> {
        double[] m = Samples.float32(Samples.normal(13, b * h * tq * tk));
        for (int e = 0; e < m.length; e++) {
          int j = e % tk;
          int i = (e / tk) % tq;
          int hh = (e / tk / tq) % h;
          int bb = e / tk / tq / h;
          boolean hidden = j > 0 && (bb + hh + i + j) % 5 == 4;
          if (c.mask() == Mask.FULL_ROW && bb == 1 && hh == 0 && i == 2) {
            hidden = true;
          }
          m[e] = hidden ? inf : (float) (0.5 * m[e]);
        }
        yield Tensors.of(be, t, m, b, h, tq, tk);
      }
      case BOOLEAN -> {
        double[] m = new double[b * tq * tk];
        for (int e = 0; e < m.length; e++) {
          int j = e % tk;
          int i = (e / tk) % tq;
          int bb = e / tk / tq;
          m[e] = j > 0 && (i + 2 * j + bb) % 4 == 3 ? 0 : 1;
        }
        yield Tensors.of(be, t, m, b, 1, tq, tk);
      }
    };
  }
}
