package dev.heed.assembly.internal;

import java.util.Set;

/**
 * What the loader knows of the built-in layers' and attention units' input shapes, so a layer that
 * cannot take what flows into it is refused at validation with its config path rather than at the
 * first training step. Plugins not named here are not checked.
 */
final class ShapeRules {
  private ShapeRules() {}

  /** Layers that need a sequence {@code [batch, positions, features]}. */
  static final Set<String> SEQUENCE_LAYERS =
      Set.of(
          "positional-encoding",
          "learned-positional-encoding",
          "transformer-encoder",
          "transformer-encoder-layer",
          "self-attention",
          "sequence-classification-head",
          "gru",
          "lstm");

  /** Layers that turn flat rows (images) into a sequence, as the ViT patch embedding does. */
  static final Set<String> SEQUENCE_MAKERS = Set.of("patch-embedding");

  /** Layers that pool a sequence into one row per example. */
  static final Set<String> POOLING_LAYERS = Set.of("sequence-classification-head");

  /** Attention units that attend over the positions of a sequence. */
  static final Set<String> SEQUENCE_UNITS = Set.of("multi-head", "scaled-dot", "dot", "additive");

  /** Attention units that gate the features of flat rows. */
  static final Set<String> FLAT_UNITS = Set.of("feature");

  /** The activations of a rank, for messages. */
  static String describe(int rank) {
    return rank == 3
        ? "a sequence [batch, positions, features] (rank 3)"
        : "flat rows [batch, features] (rank 2)";
  }

  /** The message for a sequence-only {@code what} placed where no sequence flows. */
  static String notASequence(String what, boolean tokens) {
    return tokens
        ? "found "
            + what
            + " on token ids [batch, positions], expected a sequence [batch, positions, features]:"
            + " put an embedding layer before it"
        : "found "
            + what
            + " on flat rows [batch, features] (rank 2), expected a sequence [batch, positions,"
            + " features]: it needs a sequence data set ("
            + "marked-token-recall, digit-reversal"
            + " or text) and an embedding layer"
            + (what.startsWith("attention") ? ", or attention unit 'feature' for flat rows" : "");
  }

  /** The message for an embedding layer placed where no token ids flow. */
  static String notTokenIds(int rank) {
    return "found layer 'embedding' on "
        + describe(rank)
        + ", expected token ids [batch, positions]: an embedding layer looks up token ids, so it"
        + " comes first, on a sequence data set ("
        + "marked-token-recall, digit-reversal"
        + " or text), and only once";
  }
}
